import { expect } from "chai";
import { sha256, toUtf8Bytes } from "ethers";

import { IssuerKind, Status } from "../../helpers/constants.js";
import { marketFixture, type MarketFixture } from "../../helpers/fixtures.js";
import { networkHelpers } from "../../helpers/network.js";
import { jsonOf, runTask, tempDir, writeFile } from "../../helpers/tasks.js";

const { loadFixture, time } = networkHelpers;

/** Addresses every run is given, so the tasks need no deployment record. */
async function setup(): Promise<MarketFixture & { common: { registry: string; market: string } }> {
  const f = await loadFixture(marketFixture);
  return { ...f, common: { registry: await f.registry.getAddress(), market: f.marketAddress } };
}

const HASH = `0x${"ab".repeat(32)}`;

describe("tasks: products and issuers", function () {
  describe("license:product", function () {
    it("registers a product of the publisher and prints its id, controller and terms", async function () {
      const { common, publisher, registry } = await setup();
      const run = await runTask("license:product", {
        ...common,
        from: publisher.address,
        maxSeats: 50,
        transferable: true,
        splittable: true,
        uri: "ipfs://office-2019",
      });
      expect(run.exitCode).to.equal(undefined);
      expect(run.stdout).to.contain("product      5\n");
      expect(run.stdout).to.contain(`controller   ${publisher.address}\n`);
      expect(run.stdout).to.contain(
        "terms        perpetual, up to 50 seats per license, transferable, splittable\n",
      );
      expect(run.stdout).to.match(/transaction  0x[0-9a-f]{64}\n/);
      const product = await registry.getProduct(5);
      expect(product.controller).to.equal(publisher.address);
      expect(product.terms.maxSeatsPerLicense).to.equal(50n);
      expect(product.metadataURI).to.equal("ipfs://office-2019");
    });

    it("registers for an absent publisher as an operator, and prints one JSON document with --json", async function () {
      const { common, operator, absentPublisher, registry } = await setup();
      const run = await runTask("license:product", {
        ...common,
        from: operator.address,
        validityDays: 365,
        maxSeats: 10,
        attestationRequired: true,
        forPublisher: absentPublisher.address,
        json: true,
      });
      const doc = jsonOf<{
        productId: string;
        controller: string;
        registeredByOperator: boolean;
        publisher: string;
        terms: { validityDays: number; attestationRequired: boolean; transferable: boolean };
        transaction: { hash: string; gasUsed: string };
      }>(run);
      expect(doc.productId).to.equal("5");
      expect(doc.controller).to.equal(operator.address);
      expect(doc.registeredByOperator).to.equal(true);
      expect(doc.publisher).to.equal(absentPublisher.address);
      expect(doc.terms).to.include({
        validityDays: 365,
        attestationRequired: true,
        transferable: false,
      });
      expect(doc.transaction.gasUsed).to.match(/^\d+$/);
      expect((await registry.getProduct(5)).registeredByOperator).to.equal(true);
    });

    it("refuses an account without the publisher role, with the SDK's sentence", async function () {
      const { common, stranger } = await setup();
      const run = await runTask("license:product", {
        ...common,
        from: stranger.address,
        maxSeats: 1,
      });
      expect(run.exitCode).to.equal(1);
      expect(run.stdout).to.equal("");
      expect(run.stderr).to.contain(
        `Error: ${stranger.address} lacks the publisher role needed for this\n`,
      );
      expect(run.stderr).to.contain("  underlying error: AccessControlUnauthorizedAccount");
      expect(run.stderr).not.to.contain("    at ");
    });

    it("refuses --max-seats 0 and a validity beyond 65535 days before sending", async function () {
      const { common, publisher } = await setup();
      const seats = await runTask("license:product", {
        ...common,
        from: publisher.address,
        maxSeats: 0,
      });
      expect(seats.stderr).to.equal(
        "Error: --max-seats must be a whole number from 1 to 4294967295, got 0\n",
      );
      const days = await runTask("license:product", {
        ...common,
        from: publisher.address,
        validityDays: 70_000,
      });
      expect(days.exitCode).to.equal(1);
      expect(days.stderr).to.contain(
        "--validity-days must be 0 (perpetual) or a number of days up to 65535",
      );
    });
  });

  describe("license:issuer", function () {
    it("authorises a distributor and prints what it may do", async function () {
      const { common, publisher, stranger, registry } = await setup();
      const run = await runTask("license:issuer", {
        ...common,
        from: publisher.address,
        product: 1n,
        issuer: stranger.address.toLowerCase(),
        kind: "Distributor",
      });
      expect(run.stdout).to.contain(`issuer       ${stranger.address}\n`);
      expect(run.stdout).to.contain(
        "kind         distributor: may issue licenses of the product\n",
      );
      expect(await registry.issuerKind(1, stranger.address)).to.equal(IssuerKind.Distributor);
    });

    it("refuses an unknown kind with a sentence, and a non-controller with the SDK's", async function () {
      const { common, publisher, stranger } = await setup();
      const bad = await runTask("license:issuer", {
        ...common,
        from: publisher.address,
        product: 1n,
        issuer: stranger.address,
        kind: "boss",
      });
      expect(bad.exitCode).to.equal(1);
      expect(bad.stderr).to.equal(
        "Error: unknown issuer kind 'boss': use distributor, onboarder or none\n",
      );
      const refused = await runTask("license:issuer", {
        ...common,
        from: stranger.address,
        product: 1n,
        issuer: stranger.address,
        kind: "onboarder",
      });
      expect(refused.stderr).to.contain(
        `Error: ${stranger.address} does not control product 1: only its publisher (or the operator acting for it) may do this`,
      );
    });
  });
});

describe("tasks: issuing one license", function () {
  it("issues with a license key and a hashed evidence file, and show --key finds it", async function () {
    const { common, publisher, buyer, registry } = await setup();
    const dir = tempDir();
    const invoice = writeFile(dir, "invoice.pdf", "invoice 2019-0042");
    const run = await runTask("license:issue", {
      ...common,
      from: publisher.address,
      product: "1",
      holder: buyer.address,
      seats: "10",
      key: "abcd-1234-efgh",
      evidence: invoice,
    });
    expect(run.exitCode).to.equal(undefined);
    expect(run.stdout).to.contain("license      1000000000003\n");
    expect(run.stdout).to.contain(`holder       ${buyer.address}\n`);
    expect(run.stdout).to.contain("seats        10\n");
    expect(run.stdout).to.contain("validity     perpetual\n");
    expect(run.stdout).to.contain("key          bound (only its commitment is on chain)\n");
    expect(run.stdout).to.contain(
      `evidence     ${sha256(toUtf8Bytes("invoice 2019-0042"))} (sha256 of ${invoice})\n`,
    );
    expect(await registry.ownerOf(1000000000003n)).to.equal(buyer.address);

    const found = await runTask("license:show", {
      ...common,
      key: "ABCD 1234 EFGH",
      product: "1",
      json: true,
    });
    expect(jsonOf(found)).to.include({ licenseId: "1000000000003", foundByKey: true, seats: "10" });
  });

  it("prints one JSON document with --json, and gives a limited product's licenses its longest validity by default", async function () {
    const { common, publisher, buyer } = await setup();
    const now = BigInt(await time.latest());
    const run = await runTask("license:issue", {
      ...common,
      from: publisher.address,
      product: "2",
      holder: buyer.address,
      seats: "3",
      json: true,
    });
    const doc = jsonOf<{
      licenseId: string;
      validUntil: string;
      keyBound: boolean;
      originEvidence: null;
    }>(run);
    expect(doc.licenseId).to.equal("2000000000002");
    expect(doc.keyBound).to.equal(false);
    expect(doc.originEvidence).to.equal(null);
    expect(BigInt(doc.validUntil)).to.equal(now + 365n * 86_400n);
  });

  it("reads --valid-until as a date or a duration", async function () {
    const { common, publisher, buyer, registry } = await setup();
    const now = BigInt(await time.latest());
    await runTask("license:issue", {
      ...common,
      from: publisher.address,
      product: "2",
      holder: buyer.address,
      validUntil: "90d",
    });
    expect((await registry.getLicense(2000000000002n)).validUntil).to.equal(now + 90n * 86_400n);
    const date = new Date(Number(now + 100n * 86_400n) * 1000).toISOString().slice(0, 10);
    const run = await runTask("license:issue", {
      ...common,
      from: publisher.address,
      product: "2",
      holder: buyer.address,
      validUntil: date,
    });
    expect(run.stdout).to.contain(`validity     until ${date}T00:00:00Z\n`);
  });

  it("turns bad input into sentences, before anything is sent", async function () {
    const { common, publisher, buyer } = await setup();
    const base = { ...common, from: publisher.address, product: "1", holder: buyer.address };
    const cases: [Record<string, unknown>, string][] = [
      [
        { ...base, product: undefined },
        "Error: --product is missing: which product's licenses to issue\n",
      ],
      [{ ...base, holder: undefined }, "Error: --holder is missing: who receives the license\n"],
      [
        { ...base, holder: "bob" },
        "Error: --holder must be an address (0x and 40 hex digits), got 'bob'\n",
      ],
      [{ ...base, seats: "ten" }, "Error: --seats must be a whole number, got 'ten'\n"],
      [
        { ...base, evidence: "/no/such/invoice.pdf" },
        "Error: the first-sale evidence file /no/such/invoice.pdf does not exist\n",
      ],
      [
        { ...base, validUntil: "next year" },
        "Error: --valid-until must be unix seconds, a date such as 2027-01-01, or a duration such as 90d, got 'next year'\n",
      ],
      [
        { ...base, journal: "x.jsonl" },
        "Error: --journal applies to a batch issuance with --csv\n",
      ],
    ];
    for (const [args, expected] of cases) {
      const run = await runTask("license:issue", args);
      expect(run.stderr, JSON.stringify(args)).to.equal(expected);
      expect(run.exitCode).to.equal(1);
    }
  });

  it("passes on the contract's refusals as the SDK's sentences", async function () {
    const { common, publisher, stranger, buyer } = await setup();
    const tooMany = await runTask("license:issue", {
      ...common,
      from: publisher.address,
      product: "1",
      holder: buyer.address,
      seats: "501",
    });
    expect(tooMany.stderr).to.contain(
      "Error: 501 seats is not allowed: a license of this product carries 1 to 500 seats\n",
    );
    const notIssuer = await runTask("license:issue", {
      ...common,
      from: stranger.address,
      product: "1",
      holder: buyer.address,
    });
    expect(notIssuer.stderr).to.contain(
      `Error: ${stranger.address} may not issue licenses of product 1: it is neither the product's controller nor an issuer it authorised\n`,
    );
    const perpetual = await runTask("license:issue", {
      ...common,
      from: publisher.address,
      product: "1",
      holder: buyer.address,
      validUntil: "30d",
    });
    expect(perpetual.stderr).to.contain(
      "Error: the product is perpetual: its licenses take no end date",
    );
  });
});

describe("tasks: the holder's and the controller's actions", function () {
  describe("license:release, license:transfer, license:attest", function () {
    it("refuses to transfer an unreleased license, with exit code 1", async function () {
      const { common, holder, buyer, volumeLicense, registry } = await setup();
      const run = await runTask("license:transfer", {
        ...common,
        from: holder.address,
        license: volumeLicense,
        to: buyer.address,
      });
      expect(run.exitCode).to.equal(1);
      expect(run.stdout).to.equal("");
      expect(run.stderr.split("\n")[0]).to.equal(
        "Error: license 1000000000001 cannot move: its holder has not declared its copy unusable",
      );
      expect(run.stderr).to.contain("  underlying error: LicenseNotReleased");
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });

    it("refuses to transfer a license of a non-transferable product, saying so (with or without a declaration)", async function () {
      const { common, holder, buyer, subscriptionLicense, registry } = await setup();
      for (const declaration of [{}, { declarationHash: HASH }]) {
        const run = await runTask("license:transfer", {
          ...common,
          from: holder.address,
          license: subscriptionLicense,
          to: buyer.address,
          ...declaration,
        });
        expect(run.exitCode).to.equal(1);
        expect(run.stderr.split("\n")[0]).to.equal(
          "Error: license 2000000000001 cannot be transferred or resold: its product's terms do not allow it",
        );
      }
      expect(await registry.ownerOf(subscriptionLicense)).to.equal(holder.address);
    });

    it("releases with a hashed declaration file, then transfers without one", async function () {
      const { common, holder, buyer, volumeLicense, registry } = await setup();
      const declaration = writeFile(tempDir(), "declaration.pdf", "we uninstalled it");
      const released = await runTask("license:release", {
        ...common,
        from: holder.address,
        license: volumeLicense,
        declaration,
      });
      const hash = sha256(toUtf8Bytes("we uninstalled it"));
      expect(released.stdout).to.contain(`declaration  ${hash} (sha256 of ${declaration})\n`);
      expect(released.stdout).to.contain("status       released\n");
      expect(released.stdout).to.contain("valid        no\n");
      expect((await registry.getLicense(volumeLicense)).status).to.equal(Status.Released);

      const moved = await runTask("license:transfer", {
        ...common,
        from: holder.address,
        license: volumeLicense,
        to: buyer.address,
        json: true,
      });
      expect(jsonOf(moved)).to.include({
        licenseId: "1000000000001",
        from: holder.address,
        to: buyer.address,
        declarationHash: null,
        status: "active",
      });
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
    });

    it("releases and transfers in one call with --declaration", async function () {
      const { common, holder, buyer, volumeLicense, registry } = await setup();
      const run = await runTask("license:transfer", {
        ...common,
        from: holder.address,
        license: volumeLicense,
        to: buyer.address,
        declarationHash: HASH,
      });
      expect(run.stdout).to.contain(`from         ${holder.address}\n`);
      expect(run.stdout).to.contain(`declaration  ${HASH}\n`);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
    });

    it("attests a released license of a product that needs it, after which it can move", async function () {
      const { common, holder, publisher, buyer, attestedLicense, registry } = await setup();
      await runTask("license:release", {
        ...common,
        from: holder.address,
        license: attestedLicense,
        declarationHash: HASH,
      });
      const early = await runTask("license:transfer", {
        ...common,
        from: holder.address,
        license: attestedLicense,
        to: buyer.address,
      });
      expect(early.stderr).to.contain(
        "Error: license 3000000000001 cannot move yet: its publisher must first attest that the seller's copy was deactivated",
      );
      const log = writeFile(tempDir(), "activation-log.txt", "key switched off");
      const attested = await runTask("license:attest", {
        ...common,
        from: publisher.address,
        license: attestedLicense,
        evidence: log,
      });
      expect(attested.stdout).to.contain("attested     the seller's copy was deactivated\n");
      await runTask("license:transfer", {
        ...common,
        from: holder.address,
        license: attestedLicense,
        to: buyer.address,
      });
      expect(await registry.ownerOf(attestedLicense)).to.equal(buyer.address);
    });

    it("asks for the declaration, refuses both forms at once, and checks a hash's form", async function () {
      const { common, holder, volumeLicense } = await setup();
      const base = { ...common, from: holder.address, license: volumeLicense };
      const missing = await runTask("license:release", base);
      expect(missing.stderr).to.equal(
        "Error: the declaration is missing: give --declaration <file> (its SHA-256 is recorded; the document stays with you) or --declaration-hash <hash>\n",
      );
      const both = await runTask("license:release", {
        ...base,
        declaration: "d.pdf",
        declarationHash: HASH,
      });
      expect(both.stderr).to.equal(
        "Error: give the declaration as --declaration <file> or as --declaration-hash <hash>, not both\n",
      );
      const short = await runTask("license:release", { ...base, declarationHash: "0x1234" });
      expect(short.stderr).to.equal(
        "Error: --declaration-hash must be a 32-byte hash (0x and 64 hex digits), got '0x1234'\n",
      );
      const noFile = await runTask("license:transfer", {
        ...base,
        to: holder.address,
        declaration: "/no/such/declaration.pdf",
      });
      expect(noFile.stderr).to.equal(
        "Error: the declaration file /no/such/declaration.pdf does not exist\n",
      );
    });
  });

  describe("license:split", function () {
    it("splits a volume license and prints the children", async function () {
      const { common, holder, volumeLicense, registry } = await setup();
      const run = await runTask("license:split", {
        ...common,
        from: holder.address,
        license: volumeLicense,
        seats: "30, 70",
      });
      expect(run.stdout).to.contain("license   1000000000001 (ended: split)\n");
      expect(run.stdout).to.contain("child          seats\n1000000000003  30\n1000000000004  70\n");
      expect((await registry.getLicense(1000000000004n)).seats).to.equal(70n);
      const json = await runTask("license:split", {
        ...common,
        from: holder.address,
        license: 1000000000004n,
        seats: "35,35",
        json: true,
      });
      expect(jsonOf<{ children: unknown[] }>(json).children).to.deep.equal([
        { licenseId: "1000000000005", seats: "35" },
        { licenseId: "1000000000006", seats: "35" },
      ]);
    });

    it("refuses a split that loses seats, and a malformed list", async function () {
      const { common, holder, volumeLicense } = await setup();
      const base = { ...common, from: holder.address, license: volumeLicense };
      const lost = await runTask("license:split", { ...base, seats: "30,60" });
      expect(lost.stderr).to.contain(
        "Error: the parts of license 1000000000001 add up to 90 seats, but it has 100: a split must keep every seat\n",
      );
      const bad = await runTask("license:split", { ...base, seats: "30,,70" });
      expect(bad.stderr).to.equal(
        "Error: --seats must be a comma-separated list of whole numbers such as 3,7, got '30,,70'\n",
      );
    });
  });

  describe("license:revoke, license:suspend, license:reinstate, license:surrender", function () {
    it("revokes for a named reason on evidence", async function () {
      const { common, publisher, volumeLicense, registry } = await setup();
      const run = await runTask("license:revoke", {
        ...common,
        from: publisher.address,
        license: volumeLicense,
        reason: "fraud",
        evidenceHash: HASH,
      });
      expect(run.stdout).to.contain("reason       fraud (code 2)\n");
      expect(run.stdout).to.contain("status       revoked\n");
      expect((await registry.getLicense(volumeLicense)).status).to.equal(Status.Revoked);
      const json = await runTask("license:revoke", {
        ...common,
        from: publisher.address,
        license: 1000000000002n,
        reason: "17",
        evidenceHash: HASH,
        json: true,
      });
      expect(jsonOf(json)).to.include({ reasonCode: 17, reason: "17", status: "revoked" });
    });

    it("refuses an unknown reason name without sending anything", async function () {
      const { common, publisher, volumeLicense, registry } = await setup();
      const run = await runTask("license:revoke", {
        ...common,
        from: publisher.address,
        license: volumeLicense,
        reason: "breach",
        evidenceHash: HASH,
      });
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.equal(
        "Error: unknown reason 'breach': use refund, fraud, court-order, publisher-error or a number from 1 to 65535\n",
      );
      expect((await registry.getLicense(volumeLicense)).status).to.equal(Status.Active);
    });

    it("suspends and reinstates, and the arbiter's hold binds the publisher", async function () {
      const { common, publisher, arbiter, volumeLicense } = await setup();
      const suspended = await runTask("license:suspend", {
        ...common,
        from: publisher.address,
        license: volumeLicense,
        evidenceHash: HASH,
      });
      expect(suspended.stdout).to.contain("status       active (suspended)\n");
      expect(suspended.stdout).to.contain("valid        no\n");
      const reinstated = await runTask("license:reinstate", {
        ...common,
        from: publisher.address,
        license: volumeLicense,
      });
      expect(reinstated.stdout).to.contain("reason       (none given)\n");
      expect(reinstated.stdout).to.contain("status       active\n");
      expect(reinstated.stdout).to.contain("valid        yes\n");

      await runTask("license:suspend", {
        ...common,
        from: arbiter.address,
        license: volumeLicense,
        evidenceHash: HASH,
      });
      const refused = await runTask("license:reinstate", {
        ...common,
        from: publisher.address,
        license: volumeLicense,
      });
      expect(refused.stderr).to.contain(
        "Error: license 1000000000001 is held by an arbiter's suspension: only an arbiter can lift it, and it cannot be revoked until then\n",
      );
    });

    it("surrenders for good; a second surrender is refused", async function () {
      const { common, holder, volumeLicense } = await setup();
      const run = await runTask("license:surrender", {
        ...common,
        from: holder.address,
        license: volumeLicense,
      });
      expect(run.stdout).to.contain(
        "status       surrendered: it can never be used or move again\n",
      );
      const again = await runTask("license:surrender", {
        ...common,
        from: holder.address,
        license: volumeLicense,
      });
      expect(again.stderr).to.contain(
        "Error: license 1000000000001 has ended (surrendered): it can never move or change again\n",
      );
    });
  });
});

describe("tasks: reading licenses", function () {
  describe("license:show", function () {
    it("shows a license as aligned key/value lines", async function () {
      const { common, holder } = await setup();
      const run = await runTask("license:show", { ...common, license: "1000000000001" });
      expect(run.stdout).to.equal(
        [
          "license   1000000000001",
          "product   1",
          `holder    ${holder.address}`,
          "seats     100",
          "status    active",
          "valid     yes",
          "validity  perpetual",
          "terms     transferable, splittable",
          "",
        ].join("\n"),
      );
    });

    it("shows a limited license's end date, and an expired one as expired, in JSON too", async function () {
      const { common, termLicense, termValidUntil } = await setup();
      const date = new Date(Number(termValidUntil) * 1000).toISOString().replace(".000Z", "Z");
      const before = await runTask("license:show", { ...common, license: termLicense.toString() });
      expect(before.stdout).to.contain(`validity  until ${date}\n`);
      await time.increaseTo(termValidUntil + 1n);
      const after = await runTask("license:show", { ...common, license: termLicense.toString() });
      expect(after.stdout).to.contain("status    active (expired)\n");
      expect(after.stdout).to.contain(`validity  until ${date} (expired)\n`);
      const json = await runTask("license:show", {
        ...common,
        license: termLicense.toString(),
        json: true,
      });
      expect(jsonOf(json)).to.include({
        licenseId: "4000000000001",
        validUntil: termValidUntil.toString(),
        expired: true,
        valid: false,
        perpetual: false,
      });
    });

    it("turns an unknown license, an unknown key and bad arguments into sentences", async function () {
      const { common } = await setup();
      const cases: [Record<string, unknown>, string][] = [
        [{ license: "1000000000099" }, "Error: license 1000000000099 does not exist\n"],
        [{ key: "NOPE", product: "1" }, "Error: no license of product 1 is bound to that key\n"],
        [{ key: "NOPE" }, "Error: --key needs --product: license keys are bound per product\n"],
        [{}, "Error: which license? Give its id, or --key <license key> --product <id>\n"],
        [{ license: "first" }, "Error: the license id must be a whole number, got 'first'\n"],
      ];
      for (const [args, expected] of cases) {
        const run = await runTask("license:show", { ...common, ...args });
        expect(run.stderr.split("  underlying")[0], JSON.stringify(args)).to.equal(expected);
        expect(run.exitCode).to.equal(1);
      }
    });
  });

  describe("license:list", function () {
    it("lists the signing account's licenses as a table", async function () {
      const { common, holder, termValidUntil, validUntil } = await setup();
      const run = await runTask("license:list", { ...common, from: holder.address });
      const date = (s: bigint) => new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z");
      expect(run.stdout).to.equal(
        [
          "license        product  seats  status  valid  validity",
          "1000000000001  1        100    active  yes    perpetual",
          `2000000000001  2        5      active  yes    until ${date(validUntil)}`,
          "3000000000001  3        1      active  yes    perpetual",
          `4000000000001  4        1      active  yes    until ${date(termValidUntil)}`,
          "",
          `4 licenses held by ${holder.address}`,
          "",
        ].join("\n"),
      );
    });

    it("lists another account given by address, in JSON, and says when it holds none", async function () {
      const { common, buyer, stranger } = await setup();
      const run = await runTask("license:list", { ...common, account: buyer.address, json: true });
      const doc = jsonOf<{ account: string; count: number; licenses: { licenseId: string }[] }>(
        run,
      );
      expect(doc.account).to.equal(buyer.address);
      expect(doc.count).to.equal(1);
      expect(doc.licenses.map((l) => l.licenseId)).to.deep.equal(["1000000000002"]);
      const none = await runTask("license:list", { ...common, account: stranger.address });
      expect(none.stdout).to.equal(`${stranger.address} holds no licenses\n`);
    });
  });
});
