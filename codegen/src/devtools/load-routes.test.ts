import { contractRoutes, defineContract } from '@ssekit/contract';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { matchRoute } from './load-routes.js';

const contract = defineContract({
  events: { path: '/events', events: { message: z.string() } },
  room: { path: '/rooms/:roomId/events', events: { message: z.string() } },
  roomInfo: { path: '/rooms/info/events', events: { message: z.string() } },
  post: { path: '/rooms/:roomId/events', method: 'POST', events: { message: z.string() } },
});
const routes = contractRoutes(contract).map(([key, route]) => ({ key, route }));
const keyOf = (url: string, method = 'GET') => matchRoute(routes, new URL(url, 'http://localhost'), method)?.key;

describe('matchRoute', () => {
  it('matches method and path pattern; the longest pattern wins, then the one with fewer params', () => {
    expect(keyOf('/events')).toBe('events');
    expect(keyOf('/rooms/a/events?x=1')).toBe('room');
    expect(keyOf('/rooms/info/events')).toBe('roomInfo');
    expect(keyOf('/rooms/a/events', 'post')).toBe('post');
    expect(keyOf('/api/v1/rooms/a/events')).toBe('room');
    expect(keyOf('/nothing')).toBeUndefined();
    expect(keyOf('/events', 'POST')).toBeUndefined();
  });
});
