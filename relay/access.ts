// Who may see a share: anyone with the link, or (restricted) a signed-in viewer whose verified
// email is on the allow list, where an `@domain` entry admits that whole domain.
import type { Access } from '../protocol/wire.ts';

export type Admission = 'admitted' | 'sign_in_needed' | 'not_allowed';

export function isAllowed(allow: readonly string[], email: string): boolean {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = address.slice(at);
  return allow.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e.startsWith('@') ? e === domain : e === address;
  });
}

/** `email` is the viewer's verified Google email, or null for an anonymous viewer. */
export function admission(share: { access: Access; allow: readonly string[] }, email: string | null): Admission {
  if (share.access !== 'restricted') return 'admitted';
  if (email === null) return 'sign_in_needed';
  return isAllowed(share.allow, email) ? 'admitted' : 'not_allowed';
}
