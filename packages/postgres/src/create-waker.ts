export interface Waker {
  /** Resolves after `ms`, or earlier on wake(); at once when a wake came while nobody waited. */
  wait(ms: number): Promise<void>;
  wake(): void;
}

/** A sleep that can be cut short, so a NOTIFY or stop() never waits for the poll timer. */
export function createWaker(): Waker {
  let pending = false;
  let cutShort: (() => void) | undefined;
  return {
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          cutShort = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        cutShort = done;
      });
    },
    wake() {
      if (cutShort === undefined) pending = true;
      else cutShort();
    },
  };
}
