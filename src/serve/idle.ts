// The idle timeout: a session nobody has spoken to for a while (and that has
// nothing running) is ended, so an abandoned server does not linger.

export function watchIdle(seconds: number, lastActivity: () => number, busy: () => boolean, onIdle: (seconds: number) => void): () => void {
  if (!(seconds > 0)) return () => {};
  const timer = setInterval(() => {
    if (!busy() && Date.now() - lastActivity() >= seconds * 1000) onIdle(seconds);
  }, Math.min(seconds * 250, 30_000));
  timer.unref();
  return () => clearInterval(timer);
}
