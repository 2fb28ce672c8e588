// Hostile values for the account changes of the database browser. A successful injection would
// drop the canary (database hd_acc_canary with its table, user hd_acc_canary@localhost) or create
// hd_acc_evil; the integration test proves neither happened.

/** A statement an injection would run. */
const DROP = 'DROP USER hd_acc_canary@localhost';
const EVIL = "CREATE USER hd_acc_evil@'%'";

/** Hosts the contract refuses. */
export const HOSTILE_HOSTS: string[] = [
  "%'@'%",
  "localhost'; DROP USER hd_acc_canary@localhost; --",
  'local host',
  'localhost`',
  'localhost -- x',
  'localhost/*x*/',
  'localhost#',
  "'%'",
  '"%"',
  'host;',
  '',
  'a'.repeat(256),
  'x\u0000y',
  'x\ny',
  '1.2.3.4/8',
  '1.2.3.4/255.255.255.0/1',
  'exämple.com',
  '..',
  '%.',
];

/** User names the contract refuses. */
export const HOSTILE_REFUSED_NAMES: string[] = ['', 'a\u0000b', 'a\nb', 'tab\there', 'a'.repeat(81), 'x'.repeat(100_000), ' lead', 'trail ', 'emoji\u{1F600}', '\ud800lone', 'del\u007f'];

/** User names taken literally: each must exist afterwards exactly as typed, and nothing else ran. */
export const HOSTILE_LITERAL_NAMES: string[] = [
  "o'brien",
  'back`tick',
  '``',
  "%'@'%",
  `x'; ${DROP}; --`,
  `x\`; ${EVIL}; --`,
  "x\\'; DROP DATABASE hd_acc_canary; #",
  'x\\',
  '"; DROP USER hd_acc_canary@localhost; --',
  '/*!50000 DROP USER hd_acc_canary@localhost*/',
  'a -- b',
  'a # b',
  "' OR '1'='1",
  '@localhost',
  'x%_y',
];

/** Passwords taken literally: each must log in as typed. */
export const HOSTILE_PASSWORDS: string[] = [
  `pw'; ${DROP}; --`,
  "pw\\'; DROP DATABASE hd_acc_canary; #",
  'ends-with-backslash\\',
  'quote"double`back',
  "pw'' OR ''1",
  '/*! DROP USER hd_acc_canary@localhost */',
];

/** Database and table names taken literally in grants. */
export const HOSTILE_LITERAL_IDENTS: string[] = ['t`; DROP DATABASE hd_acc_canary; --', "t'x", 'a.b', 't%_', 't -- x'];

/** Database and table names the contract refuses. */
export const HOSTILE_REFUSED_IDENTS: string[] = ['', 'a\u0000b', 'x'.repeat(65), 'trail ', 'line\nbreak', 'emoji\u{1F600}'];
