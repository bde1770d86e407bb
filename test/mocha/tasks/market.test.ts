import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { MaxUint256, parseEther, parseUnits, sha256, toUtf8Bytes } from "ethers";

import hre from "hardhat";

import { marketFixture, type MarketFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { jsonOf, runTask, tempDir, writeFile } from "../../helpers/tasks.js";

const { loadFixture } = networkHelpers;

interface Setup extends MarketFixture {
  common: { registry: string; market: string };
  dir: string;
  usdcAddress: string;
  declaration: string;
}

async function setup(): Promise<Setup> {
  const f = await loadFixture(marketFixture);
  const dir = tempDir();
  return {
    ...f,
    common: { registry: await f.registry.getAddress(), market: f.marketAddress },
    dir,
    usdcAddress: await f.usdc.getAddress(),
    declaration: writeFile(dir, "declaration.pdf", "our copy is uninstalled"),
  };
}

/** The holder signs an ETH sell order of `license` into `<dir>/<name>`. */
async function sellOrder(f: Setup, name: string, extra: Record<string, unknown> = {}) {
  const out = join(f.dir, name);
  const run = await runTask("license:sell", {
    ...f.common,
    from: f.holder.address,
    license: f.volumeLicense,
    price: "1.5",
    declaration: f.declaration,
    out,
    ...extra,
  });
  return { run, out };
}

describe("tasks: the market", function () {
  describe("license:sell", function () {
    it("signs an ETH sell order with the declaration's hash, writes it and prints it", async function () {
      const f = await setup();
      const { run, out } = await sellOrder(f, "order.json", { expiry: "7d" });
      expect(run.exitCode).to.equal(undefined);
      expect(run.stderr).to.equal("");
      const file = JSON.parse(readFileSync(out, "utf8")) as {
        kind: string;
        chainId: string;
        market: string;
        order: Record<string, string>;
        signature: string;
      };
      expect(file.kind).to.equal("sell-order");
      expect(file.chainId).to.equal("31337");
      expect(file.market).to.equal(f.marketAddress);
      expect(file.order).to.include({
        seller: f.holder.address,
        licenseId: "1000000000001",
        currency: ethers.ZeroAddress,
        price: parseEther("1.5").toString(),
        nonce: "1",
        counter: "0",
        declarationHash: sha256(toUtf8Bytes("our copy is uninstalled")),
      });
      const digest = await f.market.hashSellOrder({
        ...file.order,
        licenseId: BigInt(file.order.licenseId!),
      } as Parameters<typeof f.market.hashSellOrder>[0]);
      expect(ethers.recoverAddress(digest, file.signature)).to.equal(f.holder.address);

      expect(run.stdout).to.contain(`order file   ${out}\n`);
      expect(run.stdout).to.contain("price        1.5 ETH (what the seller receives)\n");
      expect(run.stdout).to.contain("buyer pays   1.5375 ETH (fee 0.0375 ETH at today's rate)\n");
      expect(run.stdout).to.contain("nonce        1\n");
      expect(run.stdout).to.contain(readFileSync(out, "utf8"));
    });

    it("prints one JSON document with --json, with the file, the order and the amounts", async function () {
      const f = await setup();
      const { run } = await sellOrder(f, "order.json", { json: true });
      const doc = jsonOf<{
        file: string;
        kind: string;
        order: { nonce: string };
        signature: string;
        price: { amount: string; formatted: string; symbol: string };
        buyerPays: { formatted: string };
        fee: { formatted: string };
      }>(run);
      expect(doc.kind).to.equal("sell-order");
      expect(doc.price).to.deep.equal({
        amount: parseEther("1.5").toString(),
        formatted: "1.5",
        symbol: "ETH",
      });
      expect(doc.buyerPays.formatted).to.equal("1.5375");
      expect(doc.fee.formatted).to.equal("0.0375");
    });

    it("chooses a nonce unused on chain and by the order files in the output folder", async function () {
      const f = await setup();
      expect((await sellOrder(f, "a.json")).run.stdout).to.contain("nonce        1\n");
      expect((await sellOrder(f, "b.json")).run.stdout).to.contain("nonce        2\n");
      await runTask("license:cancel", { ...f.common, from: f.holder.address, nonce: "3" });
      expect((await sellOrder(f, "c.json")).run.stdout).to.contain("nonce        4\n");
      expect((await sellOrder(f, "d.json", { nonce: "10" })).run.stdout).to.contain(
        "nonce        10\n",
      );
      const used = await sellOrder(f, "e.json", { nonce: "3" });
      expect(used.run.stderr).to.equal(
        `Error: nonce 3 of ${f.holder.address} was already filled or cancelled: choose another --nonce\n`,
      );
      const exists = await sellOrder(f, "a.json", { nonce: "11" });
      expect(exists.run.stderr).to.equal(
        `Error: ${join(f.dir, "a.json")} already exists: choose another --out or --nonce\n`,
      );
    });

    it("writes to orders/order-<license>-<nonce>.json by default", async function () {
      const f = await setup();
      const run = await runTask("license:sell", {
        ...f.common,
        from: f.holder.address,
        license: f.termLicense,
        price: "0.2",
        declaration: f.declaration,
        json: true,
      });
      const doc = jsonOf<{ file: string; order: { nonce: string } }>(run);
      const path = join(hre.config.paths.root, doc.file);
      try {
        expect(doc.file).to.equal(join("orders", `order-4000000000001-${doc.order.nonce}.json`));
        expect(existsSync(path)).to.equal(true);
      } finally {
        rmSync(path, { force: true });
      }
    });

    it("notes on stderr when the market may not move the seller's licenses yet", async function () {
      const f = await setup();
      await runTask("license:approve-market", {
        ...f.common,
        from: f.holder.address,
        revoke: true,
      });
      const { run } = await sellOrder(f, "order.json");
      expect(run.exitCode).to.equal(undefined);
      expect(run.stderr).to.equal(
        "Note: the market may not move your licenses yet: run `npx hardhat license:approve-market` before a buyer fills this order.\n",
      );
    });

    it("refuses orders that could never be filled, and bad prices, before signing", async function () {
      const f = await setup();
      const cases: [Record<string, unknown>, string][] = [
        [
          { from: f.buyer.address },
          `Error: ${f.buyer.address} does not hold license 1000000000001 (its holder is ${f.holder.address}): sign with --from ${f.holder.address}\n`,
        ],
        [
          { declaration: undefined },
          "Error: license 1000000000001 is not released: give --declaration <file> (your signed declaration that your copy is unusable, recorded at the sale) or release it first with license:release\n",
        ],
        [
          { license: f.subscriptionLicense },
          "Error: license 2000000000001 cannot be resold: its product's terms do not allow it\n",
        ],
        [
          { license: f.attestedLicense },
          "Error: license 3000000000001 needs its publisher's attestation before it moves: release it first (license:release), have the publisher attest the deactivation (license:attest), then sell it without --declaration\n",
        ],
        [{ price: "1,5" }, "Error: --price must be a decimal amount such as 1.5, got '1,5'\n"],
        [{ price: undefined }, "Error: --price is missing: what you receive, such as 1.5\n"],
        [
          { currency: f.usdcAddress, price: "1.1234567" },
          "Error: --price 1.1234567 has more decimals than mUSDC has (6)\n",
        ],
        [
          { currency: f.holder.address },
          `Error: there is no token contract at ${f.holder.address} on chain 31337\n`,
        ],
        [{ expiry: "0" }, "Error: --expiry 1970-01-01T00:00:00Z is already past"],
      ];
      for (const [extra, expected] of cases) {
        const { run, out } = await sellOrder(f, "order.json", extra);
        expect(run.stderr, expected).to.contain(expected);
        expect(run.exitCode).to.equal(1);
        expect(existsSync(out)).to.equal(false);
      }
      await runTask("license:release", {
        ...f.common,
        from: f.holder.address,
        license: f.volumeLicense,
        declaration: f.declaration,
      });
      const released = await sellOrder(f, "order.json");
      expect(released.run.stderr).to.equal(
        "Error: license 1000000000001 is already released (its declaration is on the ledger): sell it without --declaration\n",
      );
    });
  });

  describe("license:buy", function () {
    it("buys from one order file, paying the quote, and prints the total and the fee", async function () {
      const f = await setup();
      const { out } = await sellOrder(f, "order.json");
      const before = await ethers.provider.getBalance(f.holder.address);
      const run = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [out],
      });
      expect(run.exitCode).to.equal(undefined);
      expect(run.stdout).to.contain("bought       license 1000000000001\n");
      expect(run.stdout).to.contain(`seller       ${f.holder.address}\n`);
      expect(run.stdout).to.contain("price        1.5 ETH\n");
      expect(run.stdout).to.contain("fee          0.0375 ETH\n");
      expect(run.stdout).to.contain("total paid   1.5375 ETH\n");
      expect(await f.registry.ownerOf(f.volumeLicense)).to.equal(f.buyer.address);
      expect((await ethers.provider.getBalance(f.holder.address)) - before).to.equal(
        parseEther("1.5"),
      );
    });

    it("refuses a token purchase whose allowance covers the price but not the fee, naming the total to approve", async function () {
      const f = await setup();
      const { out } = await sellOrder(f, "usdc.json", {
        license: f.termLicense,
        currency: f.usdcAddress,
        price: "2000",
      });
      await f.usdc.mint(f.stranger.address, parseUnits("5000", 6));
      await f.usdc.connect(f.stranger).approve(f.marketAddress, parseUnits("2000", 6));
      const run = await runTask("license:buy", {
        ...f.common,
        from: f.stranger.address,
        orders: [out],
      });
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.equal(
        `Error: the market may spend 2000 mUSDC of yours, but buying license 4000000000001 costs 2050 mUSDC (price 2000 mUSDC plus the market's fee 50 mUSDC): approve the total with \`npx hardhat license:approve-market --token ${f.usdcAddress} --amount 2050\`\n`,
      );
      expect(await f.registry.ownerOf(f.termLicense)).to.equal(f.holder.address);

      // Approving what the sentence says is enough.
      await runTask("license:approve-market", {
        ...f.common,
        from: f.stranger.address,
        token: f.usdcAddress,
        amount: "2050",
      });
      const bought = await runTask("license:buy", {
        ...f.common,
        from: f.stranger.address,
        orders: [out],
      });
      expect(bought.exitCode).to.equal(undefined);
      expect(bought.stdout).to.contain("total paid   2050 mUSDC\n");
      expect(await f.registry.ownerOf(f.termLicense)).to.equal(f.stranger.address);
    });

    it("refuses a token purchase the buyer cannot pay, naming the total", async function () {
      const f = await setup();
      const { out } = await sellOrder(f, "usdc.json", {
        license: f.termLicense,
        currency: f.usdcAddress,
        price: "2000",
      });
      await f.usdc.mint(f.stranger.address, parseUnits("2000", 6));
      await f.usdc.connect(f.stranger).approve(f.marketAddress, MaxUint256);
      const run = await runTask("license:buy", {
        ...f.common,
        from: f.stranger.address,
        orders: [out],
      });
      expect(run.stderr).to.equal(
        `Error: ${f.stranger.address} holds 2000 mUSDC, but buying license 4000000000001 costs 2050 mUSDC (price 2000 mUSDC plus the market's fee 50 mUSDC)\n`,
      );
    });

    it("buys several orders in one transaction, with totals per currency, in JSON too", async function () {
      const f = await setup();
      const eth = (await sellOrder(f, "eth.json")).out;
      const token = (
        await sellOrder(f, "usdc.json", {
          license: f.termLicense,
          currency: f.usdcAddress,
          price: "250",
        })
      ).out;
      const run = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [eth, token],
      });
      expect(run.stdout).to.contain("license        seller");
      expect(run.stdout).to.contain(
        `1000000000001  ${f.holder.address}  1.5 ETH    0.0375 ETH  1.5375 ETH\n`,
      );
      expect(run.stdout).to.contain(
        `4000000000001  ${f.holder.address}  250 mUSDC  6.25 mUSDC  256.25 mUSDC\n`,
      );
      expect(run.stdout).to.contain("bought       2 licenses in one transaction\n");
      expect(run.stdout).to.contain("total ETH    1.5375 ETH (fees 0.0375 ETH)\n");
      expect(run.stdout).to.contain("total mUSDC  256.25 mUSDC (fees 6.25 mUSDC)\n");
      expect(await f.registry.ownerOf(f.termLicense)).to.equal(f.buyer.address);
      expect(await f.usdc.balanceOf(f.holder.address)).to.equal(parseUnits("250", 6));

      const f2 = await setup();
      const again = (await sellOrder(f2, "eth.json")).out;
      const other = (await sellOrder(f2, "term.json", { license: f2.termLicense })).out;
      const json = await runTask("license:buy", {
        ...f2.common,
        from: f2.buyer.address,
        orders: [again, other],
        json: true,
      });
      const doc = jsonOf<{
        purchases: { licenseId: string }[];
        totals: { total: { formatted: string } }[];
      }>(json);
      expect(doc.purchases.map((p) => p.licenseId)).to.deep.equal([
        "1000000000001",
        "4000000000001",
      ]);
      expect(doc.totals).to.have.length(1);
      expect(doc.totals[0]!.total.formatted).to.equal("3.075");
    });

    it("refuses an offer file, a missing file, and an order signed for another market", async function () {
      const f = await setup();
      const offer = await runTask("license:offer", {
        ...f.common,
        from: f.buyer.address,
        license: f.volumeLicense,
        price: "100",
        currency: f.usdcAddress,
        out: join(f.dir, "offer.json"),
      });
      expect(offer.exitCode).to.equal(undefined);
      const wrongKind = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [join(f.dir, "offer.json")],
      });
      expect(wrongKind.stderr).to.equal(
        `Error: ${join(f.dir, "offer.json")} is a buy offer, not a sell order: the license's holder accepts it with license:accept\n`,
      );
      const missing = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [join(f.dir, "nope.json")],
      });
      expect(missing.stderr).to.equal(
        `Error: the order file ${join(f.dir, "nope.json")} does not exist\n`,
      );
      const { out } = await sellOrder(f, "order.json");
      const moved = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
      writeFileSync(out, JSON.stringify({ ...moved, market: f.holder.address }));
      const elsewhere = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [out],
      });
      expect(elsewhere.stderr).to.equal(
        `Error: ${out} was signed for the market ${f.holder.address}, not this market ${f.marketAddress}\n`,
      );
      const garbage = writeFile(f.dir, "garbage.json", "{ not json");
      const bad = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [garbage],
      });
      expect(bad.stderr.split("\n")[0]).to.equal(
        `Error: the order file ${garbage} is not valid JSON`,
      );
    });
  });

  describe("license:offer and license:accept", function () {
    it("signs a token offer and the holder accepts it, receiving the price less the fee", async function () {
      const f = await setup();
      const out = join(f.dir, "offer.json");
      const offered = await runTask("license:offer", {
        ...f.common,
        from: f.buyer.address,
        license: f.volumeLicense,
        price: "250",
        currency: f.usdcAddress,
        out,
      });
      expect(offered.stdout).to.contain(`offer file       ${out}\n`);
      expect(offered.stdout).to.contain("price            250 mUSDC (what the buyer pays)\n");
      expect(offered.stdout).to.contain(
        "seller receives  243.75 mUSDC (fee 6.25 mUSDC at today's rate)\n",
      );
      expect(offered.stderr).to.equal("");

      const accepted = await runTask("license:accept", {
        ...f.common,
        from: f.holder.address,
        offer: out,
        declaration: f.declaration,
      });
      expect(accepted.exitCode).to.equal(undefined);
      expect(accepted.stdout).to.contain("sold         license 1000000000001\n");
      expect(accepted.stdout).to.contain("fee          6.25 mUSDC\n");
      expect(accepted.stdout).to.contain("received     243.75 mUSDC\n");
      expect(await f.registry.ownerOf(f.volumeLicense)).to.equal(f.buyer.address);
      expect(await f.usdc.balanceOf(f.holder.address)).to.equal(parseUnits("243.75", 6));
    });

    it("refuses an ETH offer, notes a missing allowance, and refuses a sell order given to accept", async function () {
      const f = await setup();
      const eth = await runTask("license:offer", {
        ...f.common,
        from: f.buyer.address,
        license: f.volumeLicense,
        price: "1",
        currency: "eth",
        out: join(f.dir, "offer.json"),
      });
      expect(eth.stderr).to.equal(
        "Error: a buy offer must be in an ERC-20 token: the market cannot take ETH from a buyer later (buy with ETH from a sell order instead)\n",
      );
      const poor = await runTask("license:offer", {
        ...f.common,
        from: f.stranger.address,
        license: f.volumeLicense,
        price: "10",
        currency: f.usdcAddress,
        out: join(f.dir, "offer.json"),
      });
      expect(poor.exitCode).to.equal(undefined);
      expect(poor.stderr).to.equal(
        [
          "Note: you hold 0 mUSDC, less than the offer's 10 mUSDC.",
          `Note: the market may spend 0 mUSDC of yours: run \`npx hardhat license:approve-market --token ${f.usdcAddress} --amount 10\` before the holder accepts.`,
          "",
        ].join("\n"),
      );
      const { out } = await sellOrder(f, "order.json");
      const wrong = await runTask("license:accept", {
        ...f.common,
        from: f.holder.address,
        offer: out,
        declaration: f.declaration,
      });
      expect(wrong.stderr).to.equal(
        `Error: ${out} is a sell order, not a buy offer: a buyer fills it with license:buy\n`,
      );
    });
  });

  describe("license:cancel", function () {
    it("cancels by nonce, after which the order cannot be filled", async function () {
      const f = await setup();
      const { out } = await sellOrder(f, "order.json");
      const run = await runTask("license:cancel", {
        ...f.common,
        from: f.holder.address,
        nonce: "1,2",
      });
      expect(run.stdout).to.contain("cancelled    nonces 1, 2\n");
      expect(await f.market.isNonceUsed(f.holder.address, 2n)).to.equal(true);
      const buy = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [out],
      });
      expect(buy.exitCode).to.equal(1);
      expect(buy.stderr).to.contain(
        `Error: the order 1 of ${f.holder.address} was already filled or cancelled\n`,
      );
    });

    it("cancels every order with --all, and asks which orders when given neither", async function () {
      const f = await setup();
      const { out } = await sellOrder(f, "order.json");
      const run = await runTask("license:cancel", {
        ...f.common,
        from: f.holder.address,
        all: true,
        json: true,
      });
      expect(jsonOf(run)).to.include({ maker: f.holder.address, all: true, counter: "1" });
      const buy = await runTask("license:buy", {
        ...f.common,
        from: f.buyer.address,
        orders: [out],
      });
      expect(buy.stderr).to.contain(
        `Error: the order of ${f.holder.address} is void: it was signed at counter 0, but the maker's counter is 1 (it cancelled all its orders since)\n`,
      );
      const neither = await runTask("license:cancel", { ...f.common, from: f.holder.address });
      expect(neither.stderr).to.equal(
        "Error: which orders? Give --nonce 1,2 (their nonces) or --all\n",
      );
    });
  });

  describe("license:approve-market and license:withdraw", function () {
    it("approves and withdraws the market's approval for licenses", async function () {
      const f = await setup();
      const run = await runTask("license:approve-market", {
        ...f.common,
        from: f.stranger.address,
      });
      expect(run.stdout).to.contain(
        `approved     the market ${f.marketAddress} may move your licenses when a sale you signed settles\n`,
      );
      expect(await f.registry.isApprovedForAll(f.stranger.address, f.marketAddress)).to.equal(true);
      const revoked = await runTask("license:approve-market", {
        ...f.common,
        from: f.stranger.address,
        revoke: true,
      });
      expect(revoked.stdout).to.contain(
        `withdrawn    the market ${f.marketAddress} may no longer move your licenses\n`,
      );
      expect(await f.registry.isApprovedForAll(f.stranger.address, f.marketAddress)).to.equal(
        false,
      );
    });

    it("approves an amount of a token in its units, or any amount with max", async function () {
      const f = await setup();
      const run = await runTask("license:approve-market", {
        ...f.common,
        from: f.stranger.address,
        token: f.usdcAddress,
        amount: "100.5",
      });
      expect(run.stdout).to.contain(
        `approved     the market ${f.marketAddress} to spend 100.5 mUSDC\n`,
      );
      expect(await f.usdc.allowance(f.stranger.address, f.marketAddress)).to.equal(
        parseUnits("100.5", 6),
      );
      await runTask("license:approve-market", {
        ...f.common,
        from: f.stranger.address,
        token: f.usdcAddress,
        amount: "max",
      });
      expect(await f.usdc.allowance(f.stranger.address, f.marketAddress)).to.equal(MaxUint256);
      const noAmount = await runTask("license:approve-market", {
        ...f.common,
        from: f.stranger.address,
        token: f.usdcAddress,
      });
      expect(noAmount.stderr).to.equal(
        "Error: --amount is missing: how much the market may spend, or max\n",
      );
    });

    it("withdraws the fees the market owes, and says when it owes nothing", async function () {
      const f = await setup();
      const { out } = await sellOrder(f, "order.json");
      await runTask("license:buy", { ...f.common, from: f.buyer.address, orders: [out] });
      const run = await runTask("license:withdraw", {
        ...f.common,
        from: f.feeRecipient.address,
        to: f.stranger.address,
      });
      expect(run.stdout).to.contain("withdrawn    0.0375 ETH\n");
      expect(run.stdout).to.contain(`to           ${f.stranger.address}\n`);
      expect(await f.market.owed(f.feeRecipient.address)).to.equal(0n);
      const again = await runTask("license:withdraw", {
        ...f.common,
        from: f.feeRecipient.address,
      });
      expect(again.exitCode).to.equal(1);
      expect(again.stderr).to.contain(`Error: the market owes ${f.feeRecipient.address} nothing\n`);
    });
  });
});
