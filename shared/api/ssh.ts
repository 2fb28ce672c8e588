// The SSH layer's part of the contract: connection states, login prompts, app settings.
import { z } from 'zod';
import { AuthPrompt, ConnectionState, Settings } from '../domain';
import { ok } from './common';

const Answer = z.string().max(4096, 'Answer is too long').refine((v) => !/[\u0000\r\n]/.test(v), 'Answers must not contain line breaks');

export const sshApi = {
  'ssh.states': { input: z.object({}).strict(), output: z.record(z.string(), ConnectionState) },
  /** Login prompts still waiting (for a window opened while one waits). */
  'ssh.prompts': { input: z.object({}).strict(), output: z.array(AuthPrompt) },
  'ssh.answerPrompt': {
    input: z.object({ id: z.string().max(64), answers: z.array(Answer).max(16), remember: z.boolean().optional() }).strict(),
    output: ok,
  },
  'ssh.cancelPrompt': { input: z.object({ id: z.string().max(64) }).strict(), output: ok },
  'ssh.disconnect': { input: z.object({ serverId: z.string().uuid() }).strict(), output: ok },
  'settings.get': { input: z.object({}).strict(), output: Settings },
  'settings.update': { input: Settings.partial().strict(), output: Settings },
} as const;
