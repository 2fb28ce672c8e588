// Patterns shared by the contract and by the core where a value reaches a shell or a file.
// Pure: no node, no DOM.

/** Any C0/C1 control character, DEL, or a Unicode line/paragraph separator. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

export const SERVER_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
export const SERVER_NAME_MAX = 64;

/** RFC 1123 host name (labels of letters, digits, hyphens). */
export const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;
export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Loose IPv6 shape check (hex groups and colons, optional zone-less embedded IPv4). */
export const IPV6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;

/** POSIX-portable login name. */
export const UNIX_USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

export const TAG = /^[\p{L}\p{N}_-]{1,32}$/u;

export function isHost(value: string): boolean {
  return HOSTNAME.test(value) || IPV4.test(value) || IPV6.test(value);
}
