import type { Command, Decider, DomainEvent } from '../../src/domain/decider';
import { DomainError, type ErrorCode } from '../../src/domain/errors';

/** given(events) / when(command) / then(events) or thenError(code) for a decider. */
export function specFor<C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return (...history: E[]) => ({
    when: (command: C) => {
      const state = history.reduce(decider.evolve, decider.initialState());
      const run = () => decider.decide(command, state);
      return {
        then: (expected: E[]) => expect(run()).toEqual(expected),
        thenNothing: () => expect(run()).toEqual([]),
        thenError: (code: ErrorCode, extensions: Record<string, unknown> = {}) => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(DomainError);
          expect((caught as DomainError).code).toBe(code);
          expect((caught as DomainError).extensions).toMatchObject(extensions);
        },
        events: run,
      };
    },
    state: () => history.reduce(decider.evolve, decider.initialState()),
  });
}
