// Runs once when `next start` boots: the host exits when the test process that started it is gone (its stdin, a pipe
// from that process, closes), so a crashed test run leaves no server behind.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { stdin } = await import('node:process');
  stdin.on('end', () => process.exit(0));
  stdin.resume();
}
