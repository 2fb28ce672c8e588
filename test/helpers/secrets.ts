// Distinctive secrets the tests hand to Hostdeck (besides the testbed's own passwords), so
// the final scan can prove none of them was written to a file.
export const TEST_SECRETS = {
  edited: 'hd-test-secret-Edited-5fK2pQ',
  wrongPassword: 'hd-test-secret-Wrong-9xLm3Z',
  wrongPassphrase: 'hd-test-secret-NotThePassphrase-Qa71',
} as const;
