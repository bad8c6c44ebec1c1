import { createClient, type Subscription } from '../generated/client.ts';

// The page talks to the server through the client generated from the chat contract (`npm run generate`):
// typed events, validation, reconnection with Last-Event-ID.
const client = createClient({ baseUrl: location.origin, reconnect: { initialDelayMs: 500, maxDelayMs: 5000 } });

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLUListElement>('log');
const status = $<HTMLSpanElement>('status');
const presenceLine = $<HTMLParagraphElement>('presence');
const errorLine = $<HTMLSpanElement>('error');
const roomInput = $<HTMLInputElement>('room');
const userInput = $<HTMLInputElement>('user');
userInput.value ||= `guest-${Math.floor(Math.random() * 100_000)}`;

let subscription: Subscription | undefined;
const online = new Set<string>();

function line(text: string, system = false): void {
  const item = document.createElement('li');
  item.textContent = text;
  if (system) item.className = 'system';
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

function setStatus(state: string, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

function showPresence(): void {
  presenceLine.textContent = online.size ? `Here: ${[...online].sort().join(', ')}` : '';
}

/** Signs the name in: the server answers with a signed, HTTP-only cookie that every later request carries. */
async function signIn(name: string): Promise<boolean> {
  const response = await fetch('/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.ok) return true;
  errorLine.textContent =
    response.status === 409 ? `the name "${name}" is taken` : `sign-in failed (${response.status})`;
  setStatus('idle', 'not connected');
  return false;
}

async function join(): Promise<void> {
  subscription?.close();
  subscription = undefined;
  log.replaceChildren();
  online.clear();
  showPresence();
  errorLine.textContent = '';
  const roomId = roomInput.value.trim() || 'lobby';
  setStatus('connecting', 'signing in…');
  if (!(await signIn(userInput.value.trim() || 'guest'))) return;
  setStatus('connecting', 'connecting…');
  subscription = client.roomEvents.subscribe(
    { params: { roomId } },
    {
      message: (m) => line(`${new Date(m.sentAt).toLocaleTimeString()} ${m.user}: ${m.text}`),
      // Sent each time the stream goes live (also after a reconnect): who is here now.
      roster: (r) => {
        online.clear();
        for (const user of r.users) online.add(user);
        showPresence();
      },
      // Joins and leaves since the last change, coalesced by the server.
      presence: (p) => {
        for (const user of p.joined) online.add(user);
        for (const user of p.left) online.delete(user);
        showPresence();
      },
      // The server could not resume from our last event: what we show may have gaps. Start the room view afresh.
      reset: (r) => {
        log.replaceChildren();
        online.clear();
        showPresence();
        line(`(history reset: ${r.reason}; showing new messages from here)`, true);
      },
      error: (e) => line(`(server error ${e.code})`, true),
      onOpen: () => setStatus('open', `connected to ${roomId}`),
      onRetry: (info) => setStatus('retrying', `reconnecting in ${Math.round(info.delayMs)} ms…`),
      onClose: (info) => setStatus('closed', `closed (${info.reason})`),
      onError: (error) => console.warn(error.code, error.message),
    },
  );
}

$<HTMLButtonElement>('join').addEventListener('click', () => void join());
$<HTMLFormElement>('send').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const input = form.elements.namedItem('text') as HTMLInputElement;
  const roomId = roomInput.value.trim() || 'lobby';
  errorLine.textContent = '';
  const response = await fetch(`/rooms/${encodeURIComponent(roomId)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // The author is the signed-in name (the cookie), not anything in the body.
    body: JSON.stringify({ text: input.value }),
  });
  if (response.status === 201) input.value = '';
  else errorLine.textContent = `not sent (${response.status})`;
});
void join();
