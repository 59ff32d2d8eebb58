/** The HS256 secret every bench server signs and checks its tokens with. */
export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
