import { expect } from "chai";
import { getAddress, id, isAddress, parseEther, parseUnits, toBeHex, ZeroAddress } from "ethers";

import {
  certificateFromJson,
  certificateToJson,
  formatTime,
  LedgerError,
  LicenseLedger,
  type Certificate,
} from "@license-ledger/sdk";
import { LicenseRegistry__factory } from "../../../typechain-types/index.js";
import {
  ADMIN_DELAY,
  DECLARATION,
  EVIDENCE,
  ROLES,
  VOLUME_TERMS,
} from "../../helpers/constants.js";
import { networkHelpers } from "../../helpers/network.js";
import { ledgerErrorOf, sdkFixture, type SdkFixture } from "../../helpers/sdk.js";

const { loadFixture, mine } = networkHelpers;

const NETWORK = "hardhat";
const DISPUTE = id("dispute: the seller still runs the software");
const RULING = id("ruling: the dispute is settled");
const REFUND = id("refund 2026-77");

interface CertificateFixture extends SdkFixture {
  /** The split child whose life the certificates tell. */
  child: bigint;
  parent: bigint;
  /** The block after its sale in the token, before its later moves. */
  earlier: number;
  /** The block after its first sale, in ETH. */
  firstSale: number;
  /** The block of its revocation, its last step. */
  revoked: number;
  /** A ledger connected to a second registry, with a license of its own. */
  otherLedger: LicenseLedger;
  otherLicense: bigint;
}

/**
 * A volume license onboarded with evidence and a key, split; one child sold for ETH on the
 * market, suspended and reinstated, released and the release withdrawn, sold for a token to a
 * buy offer; then (after `earlier`) resold directly, sold for ETH again and revoked.
 */
async function certificateFixture(): Promise<CertificateFixture> {
  const f = await sdkFixture();
  const { ledgers } = f;
  const usdc = await f.usdc.getAddress();
  await ledgers.dealer.approveMarket();
  await ledgers.stranger.approveMarket();
  const { licenseId: parent } = await ledgers.dealer.issue({
    productId: f.volume,
    holder: f.holder.address,
    seats: 40,
    licenseKey: "ABCD-EFGH-1234",
    originEvidence: EVIDENCE,
  });
  const { childIds } = await ledgers.holder.split(parent, [15, 25]);
  const child = childIds[0]!;
  const order = await ledgers.holder.signSellOrder({
    licenseId: child,
    price: parseEther("1.5"),
    nonce: 1n,
    declarationHash: DECLARATION,
  });
  const firstSale = (await ledgers.buyer.buy(order)).blockNumber;
  await ledgers.publisher.suspend(child, DISPUTE);
  await ledgers.arbiter.reinstate(child, RULING);
  await ledgers.buyer.release(child, id("declaration of the buyer"));
  await ledgers.buyer.withdrawRelease(child);
  const offer = await ledgers.dealer.signBuyOffer({
    licenseId: child,
    price: parseUnits("500", 6),
    currency: usdc,
    nonce: 1n,
  });
  const earlier = (await ledgers.buyer.acceptOffer(offer, id("declaration of the buyer, again")))
    .blockNumber;
  await ledgers.dealer.transfer(child, f.stranger.address, id("declaration of the dealer"));
  const resale = await ledgers.stranger.signSellOrder({
    licenseId: child,
    price: parseEther("2"),
    nonce: 1n,
    declarationHash: id("declaration of the stranger"),
  });
  await ledgers.buyer.buy(resale);
  const revoked = (await ledgers.publisher.revoke(child, 2, REFUND)).blockNumber;
  await mine(2);

  // A second registry on the same chain, with a license of its own.
  const other = await new LicenseRegistry__factory(f.admin).deploy(
    "Other Ledger",
    "OTHER",
    f.admin.address,
    ADMIN_DELAY,
  );
  await other.grantRole(ROLES.PUBLISHER, f.publisher.address);
  const publisherOnOther = await LicenseLedger.connect(f.publisher, {
    registry: await other.getAddress(),
  });
  const { productId } = await publisherOnOther.registerProduct(VOLUME_TERMS, "ipfs://other");
  const { licenseId: otherLicense } = await publisherOnOther.issue({
    productId,
    holder: f.holder.address,
    seats: 3,
  });
  return {
    ...f,
    child,
    parent,
    earlier,
    firstSale,
    revoked,
    otherLedger: publisherOnOther,
    otherLicense,
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every field of a JSON value, as [path, value]: its leaves, and its empty objects and lists. */
function fields(value: Json, path = ""): [string, Json][] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [[path, value]];
    return value.flatMap((item, i) => fields(item, `${path}[${i}]`));
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return [[path, value]];
    return entries.flatMap(([key, item]) => fields(item, path === "" ? key : `${path}.${key}`));
  }
  return [[path, value]];
}

const STATUSES = ["active", "released", "revoked", "surrendered", "split"];
const KINDS = ["issued", "transferred", "sold", "split", "revoked", "released"];

/** A different value of the same type for the field at `path`. */
function changed(path: string, value: Json): Json {
  if (typeof value === "boolean") return !value;
  if (typeof value === "number") return value + 1;
  if (value === null) {
    if (path.endsWith(".until")) return { block: 1, timestamp: 1, transaction: id("forged") };
    if (path === "market") return getAddress(toBeHex(0xbeefn, 20));
    if (path.endsWith(".basis")) return id("forged");
    return "https://forged.example/verify";
  }
  if (Array.isArray(value)) return ["1"];
  if (typeof value === "object") return { forged: "1" };
  if (path.endsWith(".status")) return STATUSES.find((s) => s !== value)!;
  if (path.endsWith(".kind")) return KINDS.find((k) => k !== value)!;
  if (isAddress(String(value))) return getAddress(toBeHex(BigInt(value) ^ 1n, 20));
  if (/^0x[0-9a-f]{64}$/.test(value)) return `${value.slice(0, -1)}${value.endsWith("0") ? 1 : 0}`;
  if (/^[0-9]+$/.test(value)) return String(BigInt(value) + 1n);
  return `${value}-forged`;
}

/** `cert` with the field at `path` set to `value`. */
function withField(cert: Certificate, path: string, value: Json): Certificate {
  const copy = structuredClone(cert) as unknown as Json;
  const keys = path.match(/[^.[\]]+/g)!;
  let node = copy as Record<string, Json>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, Json>;
  node[keys.at(-1)!] = value;
  return copy as unknown as Certificate;
}

/** The field paths a difference names (in its closing parentheses). */
const named = (difference: string): string[] =>
  /\(([^()]*)\)$/.exec(difference)?.[1]?.split(", ") ?? [];

describe("certificates of title", function () {
  let f: CertificateFixture;
  let cert: Certificate;

  beforeEach(async function () {
    f = await loadFixture(certificateFixture);
    // Drawn at the revocation; the chain has moved on since (so "block + 1" exists).
    cert = await f.ledgers.stranger.certificate(f.child, { atBlock: f.revoked });
  });

  describe("drawing", function () {
    it("tells the license's whole chain of title in schema v2", async function () {
      const title = await f.ledgers.stranger.chainOfTitle(f.child, {
        atBlock: cert.drawnAt.block,
      });
      const block = (await f.ledgers.stranger.runner.provider!.getBlock(cert.drawnAt.block))!;
      expect(cert.schema).to.equal("license-ledger-certificate");
      expect(cert.version).to.equal(2);
      expect(cert.network).to.deep.equal({ name: NETWORK, chainId: 31337 });
      expect(cert.registry).to.equal(f.registryAddress);
      expect(cert.market).to.equal(f.marketAddress);
      expect(cert.drawnAt).to.deep.equal({
        block: block.number,
        timestamp: block.timestamp,
        transaction: title.steps.at(-1)!.transaction,
        blockHash: block.hash,
      });
      expect(cert.license).to.deep.equal({
        id: f.child.toString(),
        productId: "1",
        seats: "15",
        validUntil: "0",
        moves: "4",
        firstSaleRegion: "unrecorded",
        exhausted: false,
        status: "revoked",
        suspended: false,
        attested: false,
        expired: false,
        valid: false,
        transferable: true,
        splittable: true,
        attestationRequired: false,
      });
      expect(cert.product).to.deep.equal({
        id: "1",
        controller: f.publisher.address,
        terms: VOLUME_TERMS,
        metadataURI: "ipfs://product-terms",
      });
      expect(cert.lineage).to.deep.equal([f.parent.toString()]);
      expect(cert.holders.map((h) => [h.holder, h.licenseId])).to.deep.equal([
        [f.holder.address, f.parent.toString()],
        [f.holder.address, f.child.toString()],
        [f.buyer.address, f.child.toString()],
        [f.dealer.address, f.child.toString()],
        [f.stranger.address, f.child.toString()],
        [f.buyer.address, f.child.toString()],
      ]);
      expect(cert.holders.at(-1)!.until).to.equal(null);
      expect(cert.steps.map((s) => s.kind)).to.deep.equal([
        "issued",
        "issued-by",
        "key-committed",
        "evidence-drawn",
        "split",
        "released",
        "transferred",
        "sold",
        "suspended",
        "suspension-bounded",
        "reinstated",
        "arbiter-reinstated",
        "released",
        "release-withdrawn",
        "released",
        "transferred",
        "sold",
        "released",
        "transferred",
        "released",
        "transferred",
        "sold",
        "revoked",
      ]);
      expect(cert.steps[0]!.details).to.deep.equal({
        holder: f.holder.address,
        seats: "40",
        validUntil: "0",
      });
      expect(cert.steps[1]).to.include({ basis: EVIDENCE });
      expect(cert.steps[1]!.details).to.deep.equal({ issuer: f.dealer.address });
      expect(cert.steps[3]).to.include({ basis: EVIDENCE });
      expect(cert.steps[3]!.details).to.deep.equal({ seats: "40", used: "40", capacity: "40" });
      expect(cert.steps[6]).to.include({ basis: DECLARATION });
      expect(cert.steps[7]!.details).to.deep.equal({
        seller: f.holder.address,
        buyer: f.buyer.address,
        currency: ZeroAddress,
        price: parseEther("1.5").toString(),
        paid: parseEther("1.5375").toString(),
        fee: parseEther("0.0375").toString(),
      });
      expect(cert.steps[10]).to.include({ basis: RULING });
      expect(cert.steps[11]!.details).to.deep.equal({ arbiter: f.arbiter.address });
      expect(cert.steps[22]).to.include({ basis: REFUND });
      expect(cert.steps[22]!.details).to.deep.equal({ by: f.publisher.address, reasonCode: "2" });
      expect(cert.provenance.map((p) => [p.kind, p.details])).to.deep.equal([
        [
          "product-registered",
          {
            controller: f.publisher.address,
            publisher: f.publisher.address,
            registeredBy: "publisher",
          },
        ],
        ["issuer-set", { issuer: f.dealer.address, kind: "onboarder", by: f.publisher.address }],
      ]);
      expect(cert.currencies).to.deep.equal([
        { address: await f.usdc.getAddress(), symbol: "mUSDC", decimals: 6 },
      ]);
      expect(cert.verification).to.deep.equal({
        command: `npx -y @license-ledger/sdk verify <file> --rpc http://127.0.0.1:8545 --trust deployments/${NETWORK}.json`,
        url: `web+licenseledger:verify?chain=31337&registry=${f.registryAddress}&license=${f.child}&block=${cert.drawnAt.block}&blockHash=${cert.drawnAt.blockHash}`,
      });
    });

    it("writes canonical JSON (schema order, 2-space indent) and reads it back unchanged", function () {
      const json = certificateToJson(cert);
      expect(json.startsWith('{\n  "schema": "license-ledger-certificate",\n  "version": 2,\n')).to
        .be.true;
      expect(json.endsWith("}\n")).to.be.true;
      expect(certificateFromJson(json)).to.deep.equal(cert);
      const reversed = JSON.parse(json, (_key, value: unknown) =>
        value !== null && typeof value === "object" && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).reverse())
          : value,
      ) as Certificate;
      expect(certificateToJson(reversed)).to.equal(json);
    });
  });

  describe("verifying", function () {
    it("finds a certificate drawn from the chain genuine and current, naming what it checked", async function () {
      const result = await f.ledgers.stranger.verifyCertificate(cert);
      expect(result).to.include({
        verdict: "current",
        official: true,
        genuine: true,
        current: true,
        final: true,
        schemaVersion: 2,
      });
      expect(result.differences).to.deep.equal([]);
      expect(result.changedSince).to.deep.equal([]);
      expect(result.checked).to.deep.equal({
        network: NETWORK,
        chainId: "31337",
        registry: f.registryAddress,
        market: f.marketAddress,
        trustSource: "the test fixture's address book",
        codeChecked: true,
      });
      const fromJson = certificateFromJson(certificateToJson(cert));
      expect((await f.ledgers.buyer.verifyCertificate(fromJson)).verdict).to.equal("current");
    });

    it("reports every field changed, one at a time, naming the field", async function () {
      const all = fields(cert as unknown as Json);
      expect(all.length).to.be.above(250);
      for (const [path, value] of all) {
        const forged = withField(cert, path, changed(path, value));
        if (path === "network.chainId") {
          await ledgerErrorOf(
            f.ledgers.stranger.verifyCertificate(forged),
            LedgerError,
            "CertificateWrongChain",
          );
          continue;
        }
        const result = await f.ledgers.stranger.verifyCertificate(forged);
        if (path === "registry" || path === "market") {
          expect(result.verdict, `${path} changed`).to.equal("not-official");
          expect(result.notOfficial.join(" "), path).to.include(`the official ${path} is`);
          continue;
        }
        expect(result.verdict, `${path} changed`).to.equal("not-genuine");
        expect(result.genuine, `${path} changed`).to.equal(false);
        const names = result.differences.flatMap(named);
        expect(
          names.some((n) => n === path || n.startsWith(`${path}.`) || n.startsWith(`${path}[`)),
          `${path} changed, but the differences name ${names.join(", ")}`,
        ).to.equal(true);
      }
    });

    it("says what differs in plain words, with the certificate's value and the chain's", async function () {
      const forged = withField(cert, "steps[15].details.to", f.holder.address);
      const result = await f.ledgers.stranger.verifyCertificate(forged);
      const step = cert.steps[15]!;
      expect(result.differences).to.deep.equal([
        `step 16 (transferred, block ${step.block}): the certificate says the license went to ${f.holder.address}, the chain says ${f.dealer.address} (steps[15].details.to)`,
      ]);
      const seats = await f.ledgers.stranger.verifyCertificate(
        withField(cert, "license.seats", "25"),
      );
      expect(seats.differences).to.deep.equal([
        "the license: the certificate says the license carries this many seats: 25, the chain says 15 (license.seats)",
      ]);
      const time = await f.ledgers.stranger.verifyCertificate(
        withField(cert, "drawnAt.timestamp", cert.drawnAt.timestamp - 60),
      );
      expect(time.differences).to.deep.equal([
        `the certificate's block: the certificate says that block's time is ${formatTime(cert.drawnAt.timestamp - 60)} (unix ${cert.drawnAt.timestamp - 60}), the chain says ${formatTime(cert.drawnAt.timestamp)} (unix ${cert.drawnAt.timestamp}) (drawnAt.timestamp)`,
      ]);
    });

    it("reports a step or a holder left out, and a step or a field added", async function () {
      const withoutStep = { ...cert, steps: cert.steps.filter((_, i) => i !== 8) };
      const left = await f.ledgers.stranger.verifyCertificate(withoutStep);
      expect(left.verdict).to.equal("not-genuine");
      expect(left.differences).to.deep.equal([
        `the certificate leaves out what the chain records at steps[8]: the step "suspended of license ${f.child} at block ${cert.steps[8]!.block}: by ${f.publisher.address}" (steps[8])`,
      ]);
      const withoutHolder = { ...cert, holders: cert.holders.slice(0, -1) };
      expect(
        (await f.ledgers.stranger.verifyCertificate(withoutHolder)).differences,
      ).to.have.length(1);
      const extraStep = { ...cert, steps: [...cert.steps, { ...cert.steps[5]!, logIndex: 99 }] };
      const added = await f.ledgers.stranger.verifyCertificate(extraStep);
      expect(added.differences).to.have.length(1);
      expect(added.differences[0]).to.match(/does not record.*\(steps\[23\]\)$/);
      const extraField = { ...cert, note: "genuine, trust me" } as Certificate;
      expect((await f.ledgers.stranger.verifyCertificate(extraField)).differences).to.deep.equal([
        "the certificate: the certificate adds a field the chain does not record, so it cannot be checked: note = genuine, trust me (note)",
      ]);
    });

    it("reports a repeated step, and holders reversed or repeated (the certificate as a whole)", async function () {
      const sold = cert.steps.findIndex((s) => s.kind === "sold");
      const repeated = {
        ...cert,
        steps: [...cert.steps.slice(0, sold + 1), cert.steps[sold]!, ...cert.steps.slice(sold + 1)],
      };
      const twice = await f.ledgers.stranger.verifyCertificate(repeated);
      expect(twice.verdict).to.equal("not-genuine");
      expect(twice.differences.join("\n")).to.match(/does not record/);
      const reversed = { ...cert, holders: [...cert.holders].reverse() };
      expect((await f.ledgers.stranger.verifyCertificate(reversed)).verdict).to.equal(
        "not-genuine",
      );
      const doubled = { ...cert, holders: [...cert.holders.slice(1), cert.holders[1]!].reverse() };
      expect((await f.ledgers.stranger.verifyCertificate(doubled)).verdict).to.equal("not-genuine");
    });

    it("reports an address written without its checksum", async function () {
      const lower = withField(cert, "registry", f.registryAddress.toLowerCase());
      expect((await f.ledgers.stranger.verifyCertificate(lower)).differences).to.deep.equal([
        `the certificate: the certificate says the registry is ${f.registryAddress.toLowerCase()}, the chain says ${f.registryAddress} (registry)`,
      ]);
    });

    it("takes the network's name from the address book, never from the certificate", async function () {
      const renamed = withField(cert, "network.name", "mainnet");
      const result = await f.ledgers.stranger.verifyCertificate(renamed);
      expect(result.verdict).to.equal("not-genuine");
      expect(result.differences.flatMap(named)).to.deep.equal(["network.name"]);
    });

    it("finds a certificate drawn at an earlier block genuine but superseded, and says what changed since", async function () {
      const old = await f.ledgers.buyer.certificate(f.child, { atBlock: f.earlier });
      expect(old.license.status).to.equal("active");
      expect(old.holders.at(-1)!.holder).to.equal(f.dealer.address);
      const result = await f.ledgers.stranger.verifyCertificate(old);
      expect(result).to.include({ verdict: "superseded", genuine: true, current: false });
      expect(result.differences).to.deep.equal([]);
      const now = await f.ledgers.stranger.chainOfTitle(f.child);
      const at = (i: number): string => {
        const s = now.steps[i]!;
        return `at block ${s.block} (${formatTime(s.timestamp)})`;
      };
      const since = `since block ${f.earlier}`;
      const child = `license ${f.child}`;
      expect(result.changedSince).to.deep.equal([
        `${since}: ${f.dealer.address} declared its copy of ${child} unusable (declaration ${id("declaration of the dealer")}) and released it for resale ${at(17)}`,
        `${since}: ${child} passed from ${f.dealer.address} to ${f.stranger.address} (on the declaration ${id("declaration of the dealer")}) ${at(18)}`,
        `${since}: ${f.stranger.address} declared its copy of ${child} unusable (declaration ${id("declaration of the stranger")}) and released it for resale ${at(19)}`,
        `${since}: ${child} was sold by ${f.stranger.address} to ${f.buyer.address} for 2.0 ETH (the buyer paid 2.05 ETH, of which 0.05 ETH market fee) ${at(21)}`,
        `${since}: ${child} was revoked by ${f.publisher.address} for fraud (evidence ${REFUND}) ${at(22)}`,
      ]);

      const first = await f.ledgers.stranger.certificate(f.child, { atBlock: f.firstSale });
      const sinceFirst = await f.ledgers.stranger.verifyCertificate(first);
      expect(sinceFirst.verdict).to.equal("superseded");
      expect(sinceFirst.changedSince).to.include(
        `since block ${f.firstSale}: ${child} was sold by ${f.buyer.address} to ${f.dealer.address} for 500.0 mUSDC (the buyer paid 500.0 mUSDC, of which 12.5 mUSDC market fee) ${at(16)}`,
      );
    });

    it("refuses a certificate for another chain", async function () {
      const forged = withField(cert, "network.chainId", 1);
      const error = await ledgerErrorOf(
        f.ledgers.stranger.verifyCertificate(forged),
        LedgerError,
        "CertificateWrongChain",
      );
      expect(error.message).to.equal(
        "this certificate is for chain 1 (its network.chainId), but the node is chain 31337: verify it with an RPC URL of chain 1",
      );
    });

    it("finds a certificate of a look-alike registry not official, whatever it says", async function () {
      const other = await f.otherLedger.certificate(f.otherLicense);
      expect((await f.otherLedger.verifyCertificate(other)).verdict).to.equal("current");
      const otherRegistry = await f.otherLedger.registry.getAddress();
      const result = await f.ledgers.stranger.verifyCertificate(other);
      expect(result).to.include({ verdict: "not-official", official: false, genuine: false });
      expect(result.notOfficial).to.deep.equal([
        `not the official License Ledger of ${NETWORK}: the certificate names the registry ${otherRegistry}, but the official registry is ${f.registryAddress} (the test fixture's address book)`,
      ]);
      expect(result.checked.registry).to.equal(f.registryAddress);
    });
  });

  describe("reading JSON", function () {
    const refusal = (text: string): LedgerError => {
      try {
        certificateFromJson(text);
      } catch (error) {
        expect(error).to.be.instanceOf(LedgerError);
        return error as LedgerError;
      }
      return expect.fail("the certificate was accepted");
    };
    const edited = (edit: (json: Record<string, unknown>) => void): string => {
      const json = JSON.parse(certificateToJson(cert)) as Record<string, unknown>;
      edit(json);
      return JSON.stringify(json);
    };

    it("refuses text that is not JSON, or not a certificate", function () {
      const truncated = refusal(certificateToJson(cert).slice(0, 200));
      expect(truncated.code).to.equal("CertificateMalformed");
      expect(truncated.message).to.match(
        /^the certificate is not valid JSON \(.+\): it may be truncated or not a certificate at all$/,
      );
      expect(refusal("[1, 2]").message).to.equal(
        "the certificate is malformed: the certificate must be a JSON object",
      );
      expect(refusal('{"schema": "something-else"}').message).to.equal(
        'this is not a License Ledger certificate: its "schema" is "something-else", not "license-ledger-certificate"',
      );
      const version = refusal(edited((j) => (j.version = 3)));
      expect(version.code).to.equal("CertificateVersionUnsupported");
      expect(version.message).to.equal(
        "the certificate is of schema version 3, but this software reads versions 1 and 2: use a License Ledger release that reads it",
      );
    });

    it("names each malformed field: missing, wrong type, bad address, hash, number or kind", function () {
      const text = edited((j) => {
        const steps = j.steps as Record<string, unknown>[];
        const license = j.license as Record<string, unknown>;
        delete j.product;
        j.registry = f.registryAddress.toLowerCase();
        (j.drawnAt as Record<string, unknown>).blockHash = "0xABC";
        license.seats = 15;
        license.status = "lost";
        steps[2]!.kind = "stolen";
        steps[3]!.block = -1;
        (steps[4]!.details as Record<string, unknown>).holder = 7;
        (j.holders as unknown[])[0] = "nobody";
      });
      const error = refusal(text);
      expect(error.code).to.equal("CertificateMalformed");
      expect(error.message).to.equal(
        "the certificate is malformed: " +
          [
            `registry must be a checksummed address (0x and 40 hex digits, mixed case as EIP-55 has it) (it is "${f.registryAddress.toLowerCase()}")`,
            'drawnAt.blockHash must be a hash: 0x and 64 lower-case hex digits (it is "0xABC")',
            "license.seats must be a whole number written as a decimal string (at most 78 digits) (it is 15)",
            'license.status must be one of active, released, revoked, surrendered, split (it is "lost")',
            "product must be an object (it is missing)",
            'holders[0] must be an object (it is "nobody")',
            'steps[2].kind must be one of issued, issued-by, key-committed, released, release-withdrawn, attested, transferred, sold, split, suspended, reinstated, revoked, surrendered, first-sale-recorded, evidence-drawn, suspension-bounded, arbiter-reinstated, attestation-lapsed, committed, claimed (it is "stolen")',
            "steps[3].block must be a whole number, 0 or more (it is -1)",
          ].join("; ") +
          "; and 1 more problem",
      );
      expect(error.args.problems).to.have.length(9);
      expect((error.args.problems as string[])[8]).to.equal(
        "steps[4].details.holder must be a string (it is 7)",
      );
    });
  });
});
