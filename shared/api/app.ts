// About the running app itself.
import { z } from 'zod';

export const appApi = {
  'app.info': {
    input: z.object({}).strict(),
    output: z.object({ version: z.string(), keychain: z.enum(['os', 'memory']), keychainNote: z.string().nullable(), dataDir: z.string() }),
  },
} as const;
