/**
 * The EVM floor of an operation: the least gas any implementation pays for the transaction, the
 * storage the operation must write and the logs it must emit (EIP-2929 cold access, EIP-2200
 * SSTORE prices, yellow-paper log prices), with no computation at all.
 */
export const BASE_TX = 21_000;
/** A zero slot set to non-zero, first touch in the transaction: 2,100 cold + 20,000. */
export const SSTORE_NEW_COLD = 22_100;
/** A non-zero slot changed, first touch: 2,100 cold + 2,900. */
export const SSTORE_UPDATE_COLD = 5_000;

/** First access to an account (EIP-2929). */
export const COLD_ACCOUNT = 2_600;
/** The ecrecover precompile. */
export const ECRECOVER = 3_000;
/** A value transfer to a cold account: 9,000 less the 2,300 stipend it returns, + 2,600 cold. */
export const ETH_TO_COLD_ACCOUNT = 9_000 - 2_300 + COLD_ACCOUNT;

export function calldataGas(data: string): number {
  const bytes = Buffer.from(data.replace(/^0x/, ""), "hex");
  let gas = 0;
  for (const b of bytes) gas += b === 0 ? 4 : 16;
  return gas;
}

export function logGas(topics: number, dataBytes: number): number {
  return 375 + 375 * topics + 8 * dataBytes;
}

export interface Floor {
  gas: number;
  formula: string;
}

/** A market fill paid in an ERC-20 (a buy, or an accepted offer): the same writes and logs. */
const TOKEN_FILL_FLOOR =
  3 * SSTORE_UPDATE_COLD + // license slot, both license balances
  SSTORE_UPDATE_COLD + // the maker's nonce word
  3 * SSTORE_UPDATE_COLD + // the token balances of buyer, seller and fee recipient
  COLD_ACCOUNT + // the token contract
  ECRECOVER +
  logGas(4, 0) + // Transfer
  logGas(4, 32) + // LicenseReleased
  logGas(4, 160) + // LicenseSold: currency, price, paid, fee, orderHash
  2 * logGas(3, 32); // two ERC-20 Transfer events

/** Storage and logs each operation must pay for, whatever the implementation. */
const PARTS: Record<string, { gas: number; formula: string }> = {
  issue: {
    gas: SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + logGas(4, 0) + logGas(2, 64),
    formula:
      "new license slot 22,100 + holder balance 5,000 + Transfer LOG4 1,875 + LicenseIssued LOG2+64B 1,637",
  },
  issueWithKey: {
    gas: 2 * SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + logGas(4, 0) + logGas(2, 64) + logGas(3, 0),
    formula: "issue's + key slot 22,100 + LicenseKeyCommitted LOG3 1,500",
  },
  issueBatch100PerLicense: {
    gas: SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + logGas(4, 0) + logGas(2, 64),
    formula: "per license: issue's storage and logs; 21,000 and calldata shared by 100",
  },
  release: {
    gas: SSTORE_UPDATE_COLD + logGas(4, 32),
    formula: "license slot 5,000 + LicenseReleased LOG4+32B 2,131",
  },
  transferReleased: {
    gas: 3 * SSTORE_UPDATE_COLD + logGas(4, 0),
    formula: "license slot + 2 balances 3x5,000 + Transfer LOG4 1,875",
  },
  releaseAndTransfer: {
    gas: 3 * SSTORE_UPDATE_COLD + logGas(4, 0) + logGas(4, 32),
    formula: "license slot + 2 balances 3x5,000 + Transfer 1,875 + LicenseReleased 2,131",
  },
  split2: {
    gas: SSTORE_UPDATE_COLD * 2 + 2 * SSTORE_NEW_COLD + 2 * logGas(4, 0) + 2 * logGas(3, 32),
    formula:
      "parent slot 5,000 + holder balance 5,000 + 2 new slots 2x22,100 + 2 Transfer 2x1,875 + 2 LicenseSplit 2x1,756",
  },
  revoke: {
    gas: SSTORE_UPDATE_COLD + logGas(3, 64),
    formula: "license slot 5,000 + LicenseRevoked LOG3+64B 2,012",
  },
  marketBuyEth: {
    gas:
      3 * SSTORE_UPDATE_COLD +
      2 * SSTORE_UPDATE_COLD +
      ETH_TO_COLD_ACCOUNT +
      ECRECOVER +
      logGas(4, 0) +
      logGas(4, 32) +
      logGas(4, 160),
    formula:
      "license slot + 2 balances 3x5,000 + nonce word + fee credit 2x5,000 + ETH to the seller 9,300 + ecrecover 3,000 + Transfer 1,875 + LicenseReleased 2,131 + LicenseSold LOG4+160B 3,155",
  },
  marketBuyErc20: {
    gas: TOKEN_FILL_FLOOR,
    formula:
      "license slot + 2 balances 3x5,000 + nonce word 5,000 + 3 token balances 3x5,000 + token account 2,600 + ecrecover 3,000 + Transfer 1,875 + LicenseReleased 2,131 + LicenseSold 3,155 + 2 ERC-20 Transfer 2x1,756",
  },
  marketAcceptOffer: {
    gas: TOKEN_FILL_FLOOR,
    formula: "as marketBuyErc20's, with the buyer's nonce word",
  },
  commit1k: {
    gas: 3 * SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + SSTORE_UPDATE_COLD + logGas(4, 224),
    formula:
      "run record 3 new slots 3x22,100 + run counter 5,000 + product serial counter 5,000 + RunCommitted LOG4+224B 3,292",
  },
  commit1M: {
    gas: 3 * SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + SSTORE_UPDATE_COLD + logGas(4, 224),
    formula: "as commit1k's: nothing depends on the run's size",
  },
  claimDepth10: {
    gas: SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + logGas(4, 0) + logGas(2, 64) + logGas(4, 32),
    formula:
      "issue's storage and logs + LeafClaimed LOG4+32B 2,131 (no computation: the proof's hashing not counted)",
  },
  claimDepth20: {
    gas: SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + logGas(4, 0) + logGas(2, 64) + logGas(4, 32),
    formula: "as claimDepth10's",
  },
  claimBatch16PerClaim: {
    gas: SSTORE_NEW_COLD + SSTORE_UPDATE_COLD + logGas(4, 0) + logGas(2, 64) + logGas(4, 32),
    formula: "per claim: claimDepth10's storage and logs; 21,000 and calldata shared by 16",
  },
  surrender: {
    gas: SSTORE_UPDATE_COLD + logGas(3, 0),
    formula: "license slot 5,000 + LicenseSurrendered LOG3 1,500",
  },
};

/** The floor of operation `name` sent with calldata `data` (shared by `perTx` operations). */
export function floorOf(name: string, data: string, perTx = 1): Floor {
  const part = PARTS[name];
  if (part === undefined) throw new Error(`no floor defined for operation ${name}`);
  const calldata = calldataGas(data);
  const intrinsic = Math.round((BASE_TX + calldata) / perTx);
  return {
    gas: intrinsic + part.gas,
    formula:
      perTx > 1
        ? `(21,000 + calldata ${calldata}) / ${perTx} = ${intrinsic} + ${part.formula}`
        : `21,000 + calldata ${calldata} + ${part.formula}`,
  };
}
