/** The part of @xmpp/client (no bundled types) the broadcast bot and its test use. */
declare module "@xmpp/client" {
  import type { EventEmitter } from "node:events";

  export interface Element {
    name: string;
    attrs: Record<string, string>;
    is(name: string, xmlns?: string): boolean;
    getChildText(name: string, xmlns?: string): string | null;
  }

  export interface XmppClient extends EventEmitter {
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(...elements: Element[]): Promise<void>;
    reconnect: { stop(): void };
  }

  export function client(options: { service: string; domain?: string; username?: string; password?: string; resource?: string }): XmppClient;
  export function xml(name: string, attrs?: Record<string, string> | null, ...children: (Element | string)[]): Element;
}
