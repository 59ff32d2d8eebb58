/** How long /healthz may take to answer while the server is under attack and after it. */
export const HEALTHZ_DEADLINE_MS = 1000;

/** GET /healthz on the server of `graphqlUrl`; throws unless it answers 200 within the deadline. */
export async function healthzAnswers(graphqlUrl: string): Promise<void> {
  const response = await fetch(new URL('/healthz', graphqlUrl), {
    signal: AbortSignal.timeout(HEALTHZ_DEADLINE_MS),
  });
  if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
}

/**
 * Runs `attack` while polling /healthz; fails when any poll, or one after the attack, does not answer
 * within HEALTHZ_DEADLINE_MS. Returns what the attack returned.
 */
export async function whileStayingResponsive<T>(graphqlUrl: string, attack: () => Promise<T>): Promise<T> {
  let attacking = true;
  const failures: string[] = [];
  let polls = 0;
  const poller = (async () => {
    while (attacking) {
      try {
        await healthzAnswers(graphqlUrl);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
      polls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  let result: T;
  try {
    result = await attack();
  } finally {
    attacking = false;
    await poller;
  }
  await healthzAnswers(graphqlUrl);
  expect(failures).toEqual([]);
  expect(polls).toBeGreaterThan(0);
  return result;
}
