import { existsSync, readFileSync } from "node:fs";

import { Wallet, type Provider, type TransactionRequest, type TransactionResponse } from "ethers";

/** Where the process "dies": right after its n-th broadcast, or just before it. */
export type Death = "after broadcast" | "before broadcast";

export class Killed extends Error {
  constructor() {
    super("killed (simulated crash)");
  }
}

/**
 * A wallet whose process dies at its `dieAt`-th send: it keeps the journal as the killed process
 * left it (the test puts it back after the run, whatever the dying run wrote later) and throws.
 * "after broadcast": the transaction reached the node, the journal says `sending` and no hash.
 * "before broadcast": the journal says `sending`, nothing reached the node.
 */
export class DyingWallet extends Wallet {
  private sends = 0;
  journalAtDeath: string | undefined;

  constructor(
    key: string,
    provider: Provider,
    private readonly dieAt: number,
    private readonly death: Death,
    private readonly journalPath: string,
  ) {
    super(key, provider);
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    this.sends += 1;
    if (this.sends !== this.dieAt) return super.sendTransaction(tx);
    if (this.death === "after broadcast") await super.sendTransaction(tx);
    this.journalAtDeath = existsSync(this.journalPath)
      ? readFileSync(this.journalPath, "utf8")
      : "";
    throw new Killed();
  }
}
