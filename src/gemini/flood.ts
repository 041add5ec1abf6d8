// The flood-limit seam of the Gemini side. The send path (a new reply, a changed answer) calls
// it before storing anything; a number means "answer 44 SLOW DOWN with that many seconds".
// Per-client flood limits for the web form are being built separately; when they exist, this
// is where Gemini requests are counted against them. Until then it allows everything.

export interface FloodClient {
  /** The client's IP address. Never log it. */
  address: string;
  /** The keyed hash of the client certificate, when one was presented. */
  certificate: string | null;
}

/** Seconds this client must wait before storing, or null to go ahead. */
export type FloodCheck = (client: FloodClient) => Promise<number | null>;

export const secondsBeforeStoring: FloodCheck = async () => null;
