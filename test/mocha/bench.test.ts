import { expect } from "chai";

import { calldataGas, floorOf, logGas } from "../../bench/floor.js";
import type { GasResults } from "../../bench/gas.js";
import { regressions } from "../../bench/run.js";
import { fit } from "../../bench/scale.js";

const op = (gas: number) => ({
  gas,
  reference: null,
  referenceName: null,
  floor: 0,
  floorFormula: "",
});
const results = (ops: Record<string, number>): GasResults => ({
  operations: Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, op(v)])),
  references: {},
});

describe("bench: baseline check and EVM floor", function () {
  it("passes within 1% of the baseline and fails beyond it, naming the operation", function () {
    const baseline = results({ issue: 60_000, release: 30_000 });
    expect(regressions(results({ issue: 60_600, release: 29_000 }), baseline)).to.deep.equal([]);
    expect(regressions(results({ issue: 60_601, release: 30_000 }), baseline)).to.deep.equal([
      "issue: 60601 gas, 1.00% over the baseline's 60000 (tolerance 1%)",
    ]);
  });

  it("fails when an operation of the baseline is no longer measured", function () {
    expect(regressions(results({ issue: 1 }), results({ issue: 1, split2: 2 }))).to.deep.equal([
      "split2: in the baseline but no longer measured",
    ]);
  });

  it("prices calldata, logs and the floor as the yellow paper and EIP-2929/2200 do", function () {
    expect(calldataGas("0x00ff0001")).to.equal(4 + 16 + 4 + 16);
    expect(logGas(4, 0)).to.equal(1875);
    expect(logGas(2, 64)).to.equal(375 + 750 + 512);
    const floor = floorOf("release", "0x00ff");
    expect(floor.gas).to.equal(21_000 + 20 + 5_000 + 2_131);
    expect(floor.formula).to.contain("LicenseReleased");
    expect(floorOf("issueBatch100PerLicense", "0x", 100).gas).to.equal(
      210 + 22_100 + 5_000 + 1_875 + 1_637,
    );
    expect(() => floorOf("teleport", "0x")).to.throw("no floor defined for operation teleport");
  });

  it("splits rebuild time into a fixed part and a per-step part", function () {
    const row = (steps: number, milliseconds: number) => ({
      licenseId: "1",
      steps,
      totalTransfersOnChain: 50_000,
      milliseconds,
      microsecondsPerStep: 0,
    });
    // 5 ms fixed + 40 µs per step, exactly.
    const line = fit([row(1, 5.04), row(10, 5.4), row(100, 9), row(1000, 45)]);
    expect(line).to.deep.equal({
      totalTransfersOnChain: 50_000,
      fixedMs: 5,
      perStepMicroseconds: 40,
    });
  });
});
