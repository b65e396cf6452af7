// The emulator's Google accounts: who can sign in and consent.

import { createHash } from 'node:crypto';

export interface TestUser {
  /** Google's stable account id (21 digits for real accounts). */
  sub: string;
  email: string;
  name: string;
  emailVerified: boolean;
}

export type TestUserInput = { email: string } & Partial<TestUser>;

/** A 21-digit subject derived from the email, so the same test user always has the same `sub`. */
export function subjectFor(email: string): string {
  const digest = createHash('sha256').update(email.toLowerCase()).digest();
  let digits = '1';
  for (const byte of digest) {
    if (digits.length === 21) break;
    digits += String(byte % 10);
  }
  return digits;
}

function nameFor(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local.charAt(0).toUpperCase() + local.slice(1);
}

export const DEFAULT_USERS: TestUserInput[] = [
  { email: 'alice@example.com' },
  { email: 'bob@example.com' },
  { email: 'carol@example.org' },
];

export class Users {
  private readonly _byEmail = new Map<string, TestUser>();

  constructor(inputs: TestUserInput[]) {
    for (const input of inputs) this.add(input);
  }

  add(input: TestUserInput): TestUser {
    const user: TestUser = {
      sub: input.sub ?? subjectFor(input.email),
      email: input.email,
      name: input.name ?? nameFor(input.email),
      emailVerified: input.emailVerified ?? true,
    };
    this._byEmail.set(user.email.toLowerCase(), user);
    return user;
  }

  find(email: string): TestUser | undefined {
    return this._byEmail.get(email.toLowerCase());
  }

  /** The user with that email, created (verified) when new. */
  get(email: string): TestUser {
    return this.find(email) ?? this.add({ email });
  }

  list(): TestUser[] {
    return [...this._byEmail.values()];
  }
}
