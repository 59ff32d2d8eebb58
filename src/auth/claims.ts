/** What a verified bearer token says about the caller (contract "Authentication"). */
export interface Claims {
  sub: string;
  email: string;
  name: string;
  company: string | null;
  /** Platform roles: `support`, `auditor`. */
  roles: string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface TokenVerifier {
  /** @throws DomainError with code UNAUTHENTICATED */
  verify(token: string): Promise<Claims>;
}
