/**
 * Progress of a long step: a bar redrawn in place on a terminal, plain lines elsewhere (CI logs, pipes),
 * where a line is printed when the note's stage changes or at most every `lineEveryMs`.
 */
export interface Progress {
  /** `fraction` in 0..1, or null when the step cannot say how far it is. */
  update(fraction: number | null, note: string): void;
  done(note: string): void;
}

const BAR_WIDTH = 24;

export function progressBar(
  label: string,
  options: { prefix?: string; tty?: boolean; write?: (text: string) => void; lineEveryMs?: number } = {},
): Progress {
  const prefix = options.prefix ?? '[main-job]';
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const tty = options.tty ?? process.stdout.isTTY === true;
  const lineEveryMs = options.lineEveryMs ?? 5_000;
  let lastLineAt = -Infinity;
  let lastStage = '';
  let drawn = false;
  const percent = (f: number) => `${Math.round(Math.max(0, Math.min(1, f)) * 100)}%`;
  return {
    update(fraction, note) {
      if (tty) {
        const filled = fraction === null ? 0 : Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
        const bar =
          fraction === null
            ? ''
            : `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent(fraction)} `;
        const width = process.stdout.columns ?? 120;
        write(`\r\x1b[2K${`${prefix} ${label} ${bar}${note}`.slice(0, width - 1)}`);
        drawn = true;
        return;
      }
      // Numbers change every tick; the words around them name the stage.
      const stage = note.replace(/[\d.,:%]+/g, '#');
      const now = Date.now();
      if (stage === lastStage && now - lastLineAt < lineEveryMs) return;
      lastStage = stage;
      lastLineAt = now;
      write(`${prefix} ${label}${fraction === null ? '' : ` ${percent(fraction)}`}: ${note}\n`);
    },
    done(note) {
      if (tty && drawn) write('\r\x1b[2K');
      write(`${prefix} ${label}: ${note}\n`);
    },
  };
}

/** Polls `probe` every `intervalMs` into a progress display until the returned stop is called. */
export function watchProgress(
  progress: Progress,
  probe: () => Promise<{ fraction: number | null; note: string } | null>,
  intervalMs = 500,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped) return;
      const state = await probe().catch(() => null);
      if (state && !stopped) progress.update(state.fraction, state.note);
    });
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
