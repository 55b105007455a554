/**
 * A wait for the models' indexes, built once and shared by every caller. A unique index is
 * what turns a second insert or a racing upsert on one key into a no-op, and on a fresh
 * database it is still being built when the first writes arrive. A failed build is tried
 * again on the next call.
 */
export function indexesReady(...models: ReadonlyArray<{ init(): Promise<unknown> }>): () => Promise<void> {
  let built: Promise<void> | undefined;
  return () =>
    (built ??= Promise.all(models.map((model) => model.init())).then(
      () => undefined,
      (error: unknown) => {
        built = undefined;
        throw error;
      },
    ));
}
