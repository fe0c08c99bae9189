package io.mesh4j.internal.lb;

/** A consistent-hash structure: a hash lands on a slot, each slot belongs to one endpoint. */
interface HashLookup {

  /** Number of slots (ring points or table entries). */
  int size();

  /** The slot a hash lands on. */
  int slotFor(long hash);

  /** Index of the endpoint owning a slot. */
  int ownerOf(int slot);
}
