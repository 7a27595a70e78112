/** SQLSTATEs after which a PostgreSQL transaction may simply be run again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `attempt` (a whole transaction) again, up to `tries` times in all, when
 * PostgreSQL aborted it with a serialization failure or as a deadlock victim;
 * any other error, or the last retryable one, is thrown.
 */
export async function withRetry<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (i >= tries || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * i + Math.random() * 10 * i));
    }
  }
}
