// Pieces every area of the contract uses.
import { z } from 'zod';

export const ok = z.object({ ok: z.literal(true) });
