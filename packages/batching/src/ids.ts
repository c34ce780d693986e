/**
 * Default advisory id generator: 22 characters from a cryptographic source, the length and
 * alphabet of a NATS NUID. Tests inject their own generator instead.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ID_CHARS = 22;

/** randomId returns a fresh NUID-shaped identifier. */
export function randomId(): string {
  const bytes = randomBytes(ID_CHARS);
  let id = "";
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}
