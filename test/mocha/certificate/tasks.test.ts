import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256 } from "ethers";
import { PDFDocument, StandardFonts } from "pdf-lib";

import {
  certificateFromJson,
  certificateFromPdf,
  certificateToJson,
  type Certificate,
} from "@license-ledger/sdk";
import { EVIDENCE } from "../../helpers/constants.js";
import { resoldLicenseFixture, type ResoldLicenseFixture } from "../../helpers/certificates.js";
import { connection, ethers, networkHelpers } from "../../helpers/network.js";
import { pdfText, renderPages } from "../../helpers/pdf-reader.js";
import { jsonOf, runTask, tempDir, writeFile } from "../../helpers/tasks.js";

const { loadFixture } = networkHelpers;

/** The resold license, and the addresses every run is given (no deployment record needed). */
async function setup(): Promise<
  ResoldLicenseFixture & { common: { registry: string; market: string } }
> {
  const f = await loadFixture(resoldLicenseFixture);
  return { ...f, common: { registry: await f.registry.getAddress(), market: f.marketAddress } };
}

/** Writes the resold license's certificate with `license:certificate` and returns its path. */
async function writeCertificate(
  f: Awaited<ReturnType<typeof setup>>,
  name: string,
): Promise<string> {
  const out = join(tempDir(), name);
  const run = await runTask("license:certificate", { ...f.common, license: f.resold, out });
  expect(run.exitCode, run.stderr).to.equal(undefined);
  return out;
}

describe("tasks: chain of title and certificates", function () {
  describe("license:history", function () {
    it("prints the holders and the steps with their transactions, readable", async function () {
      const f = await setup();
      const run = await runTask("license:history", { ...f.common, license: f.resold });
      expect(run.exitCode, run.stderr).to.equal(undefined);
      const out = run.stdout;
      expect(out).to.contain(`license  ${f.resold} of product 1\n`);
      expect(out).to.contain(`holder   ${f.buyer.address}\n`);
      expect(out).to.contain(`lineage  split from ${f.volumeLicense}\n`);
      expect(out).to.contain("status   active, valid\n");
      expect(out).to.contain("\n4 holders\n#  holder ");
      expect(out).to.match(
        new RegExp(`\\n4  ${f.buyer.address}  ${f.resold}  block \\d+ \\S+Z  \\(holds it\\)\\n`),
      );
      expect(out).to.contain("\n8 steps\n#  block  time ");
      for (const sale of f.sales) {
        expect(out).to.match(
          new RegExp(`  ${sale.blockNumber} +\\S+Z  sold +${sale.hash.toLowerCase()}\\n`),
        );
      }
      expect(out).to.contain(
        `license ${f.resold} was sold by ${f.dealer.address} to ${f.buyer.address} for 1.5 ETH (the buyer paid 1.5375 ETH, of which 0.0375 ETH market fee)\n`,
      );
    });

    it("rebuilds it as of a past block or time, and prints one JSON document with --json", async function () {
      const f = await setup();
      const firstSale = f.sales[0]!;
      const atBlock = await runTask("license:history", {
        ...f.common,
        license: f.resold,
        atBlock: String(firstSale.blockNumber),
        json: true,
      });
      const doc = jsonOf<{
        licenseId: string;
        at: { block: number };
        lineage: string[];
        license: { holder: string; seats: string };
        holders: { holder: string; until: unknown }[];
        steps: { kind: string; transaction: string; details: Record<string, string> }[];
      }>(atBlock);
      expect(doc.licenseId).to.equal(String(f.resold));
      expect(doc.at.block).to.equal(firstSale.blockNumber);
      expect(doc.lineage).to.deep.equal([String(f.volumeLicense)]);
      expect(doc.license).to.include({ holder: f.dealer.address, seats: "40" });
      expect(doc.holders.map((h) => h.holder)).to.deep.equal([
        f.holder.address,
        f.holder.address,
        f.dealer.address,
      ]);
      expect(doc.steps.map((s) => s.kind)).to.deep.equal([
        "issued",
        "split",
        "released",
        "transferred",
        "sold",
      ]);
      expect(doc.steps.at(-1)?.details.price).to.equal("1200000000000000000");
      expect(doc.steps.at(-1)?.details.paid).to.equal("1230000000000000000");

      const block = await ethers.provider.getBlock(firstSale.blockNumber);
      const atTime = await runTask("license:history", {
        ...f.common,
        license: f.resold,
        atTime: String(block!.timestamp),
      });
      expect(atTime.stdout).to.contain(`holder   ${f.dealer.address}\n`);
      expect(atTime.stdout).to.contain("\n3 holders\n");
    });

    it("refuses two moments, a duration, and a license not issued yet, with sentences", async function () {
      const f = await setup();
      const both = await runTask("license:history", {
        ...f.common,
        license: f.resold,
        atBlock: "3",
        atTime: "2026-01-01",
      });
      expect(both.exitCode).to.equal(1);
      expect(both.stderr).to.contain("Error: give --at-block or --at-time, not both\n");
      const duration = await runTask("license:history", {
        ...f.common,
        license: f.resold,
        atTime: "30d",
      });
      expect(duration.stderr).to.contain(
        "Error: --at-time must be a moment, unix seconds or a date such as 2027-01-01, got the duration '30d'\n",
      );
      const early = await runTask("license:history", {
        ...f.common,
        license: f.resold,
        atBlock: "1",
      });
      expect(early.exitCode).to.equal(1);
      expect(early.stderr).to.contain(`Error: license ${f.resold} had not been issued by block 1`);
    });
  });

  describe("license:certificate", function () {
    it("writes the PDF and prints what it wrote, the drawn block and a summary", async function () {
      const f = await setup();
      const out = join(tempDir(), "resold.pdf");
      const run = await runTask("license:certificate", { ...f.common, license: f.resold, out });
      expect(run.exitCode, run.stderr).to.equal(undefined);
      const latest = await ethers.provider.getBlockNumber();
      expect(run.stdout).to.match(new RegExp(`^wrote +${out} \\(PDF, 2 pages, [\\d.]+ kB\\)\\n`));
      expect(run.stdout).to.contain(`license     ${f.resold} of product 1\n`);
      expect(run.stdout).to.match(
        new RegExp(`\\ndrawn at    block ${latest} \\(\\S+Z\\) on \\S+, chain id 31337\\n`),
      );
      expect(run.stdout).to.contain("status      active, valid\n");
      expect(run.stdout).to.contain(`holder      ${f.buyer.address}\n`);
      expect(run.stdout).to.contain("history     4 holders, 8 steps\n");
      expect(run.stdout).to.contain(
        `check it    npx -y @license-ledger/sdk verify ${out} --rpc http://127.0.0.1:8545 --trust deployments/chain-31337.json\n`,
      );
      expect(run.stdout).to.match(
        new RegExp(
          `\nlink        web\\+licenseledger:verify\\?chain=31337&registry=0x[0-9a-fA-F]{40}&license=${f.resold}&block=${latest}&blockHash=0x[0-9a-f]{64}\n`,
        ),
      );

      const pdf = readFileSync(out);
      expect(await renderPages(pdf, 40)).to.have.length(2);
      expect((await pdfText(pdf)).join("\f")).to.contain(f.sales[1]!.hash.toLowerCase());
      const cert = await certificateFromPdf(pdf);
      expect(cert.drawnAt.block).to.equal(latest);
      expect(cert.license.id).to.equal(String(f.resold));
    });

    it("writes the JSON for a .json file, at a past block, and one JSON document with --json", async function () {
      const f = await setup();
      const out = join(tempDir(), "resold.json");
      const atBlock = f.sales[0]!.blockNumber;
      const run = await runTask("license:certificate", {
        ...f.common,
        license: f.resold,
        atBlock: String(atBlock),
        out,
        json: true,
      });
      const doc = jsonOf<{ format: string; drawnAt: { block: number }; holder: string }>(run);
      expect(doc).to.include({ format: "json", holder: f.dealer.address });
      expect(doc.drawnAt.block).to.equal(atBlock);
      const text = readFileSync(out, "utf8");
      const cert = certificateFromJson(text);
      expect(certificateToJson(cert)).to.equal(text);
      expect(cert.holders.at(-1)).to.include({ holder: f.dealer.address, until: null });
    });

    it("refuses an output that is neither .pdf nor .json", async function () {
      const f = await setup();
      const run = await runTask("license:certificate", {
        ...f.common,
        license: f.resold,
        out: "certificate.txt",
      });
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.contain(
        "Error: --out must name a .pdf or a .json file, got 'certificate.txt'\n",
      );
    });
  });

  describe("license:verify", function () {
    it("says an untouched PDF is current, then superseded (exit code 3) once the license changes", async function () {
      const f = await setup();
      const file = await writeCertificate(f, "resold.pdf");
      const block = (await certificateFromPdf(readFileSync(file))).drawnAt.block;
      const untouched = await runTask("license:verify", { ...f.common, file });
      expect(untouched.exitCode, untouched.stdout + untouched.stderr).to.equal(0);
      expect(untouched.stdout).to.contain(
        `verdict      CURRENT: genuine, and nothing has changed since block ${block} (the chain is at block ${block})\n`,
      );
      expect(untouched.stdout).to.contain(
        `checked      registry ${f.common.registry}, market ${f.common.market} of chain-31337, trusted from the --registry and --market options; no code hash recorded, so their code was not checked\n`,
      );
      expect(untouched.stdout).to.contain(
        "pages        the PDF's pages are the drawing of the certificate it carries\n",
      );

      await f.registry.connect(f.arbiter).suspend(f.resold, EVIDENCE);
      const later = await runTask("license:verify", { ...f.common, file, json: true });
      expect(later.exitCode).to.equal(3);
      const doc = jsonOf<{
        verdict: string;
        genuine: boolean;
        current: boolean;
        differences: string[];
        changedSince: string[];
      }>(later);
      expect(doc).to.include({ verdict: "superseded", genuine: true, current: false });
      expect(doc.differences).to.deep.equal([]);
      expect(doc.changedSince).to.have.length(1);
      expect(doc.changedSince[0]).to.contain(
        `license ${f.resold} was suspended by ${f.arbiter.address}`,
      );
    });

    it("trusts the network's address book, and finds a certificate of another registry not official (exit code 2)", async function () {
      const f = await setup();
      const deployed = await f.registry.deploymentTransaction()?.wait();
      const record = async (address: string) => ({
        address,
        deploymentTx: deployed?.hash ?? "",
        block: deployed?.blockNumber ?? 0,
        commit: "test",
        constructorArgs: [],
        codeHash: keccak256(await ethers.provider.getCode(address)),
      });
      const dir = tempDir();
      writeFile(
        dir,
        `${connection.networkName}.json`,
        JSON.stringify({
          version: 1,
          network: connection.networkName,
          chainId: 31337,
          contracts: {
            LicenseRegistry: await record(f.common.registry),
            LicenseMarket: await record(f.common.market),
          },
        }),
      );
      const out = join(tempDir(), "resold.pdf");
      const drawn = await runTask("license:certificate", {
        deploymentsDir: dir,
        license: f.resold,
        out,
      });
      expect(drawn.exitCode, drawn.stderr).to.equal(undefined);
      const run = await runTask("license:verify", { file: out, deploymentsDir: dir });
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/verdict +CURRENT: genuine/);
      expect(run.stdout).to.contain("their code is the code recorded at deployment");

      // The same certificate checked against a book that names another registry: not official.
      const lookAlike = tempDir();
      writeFile(
        lookAlike,
        `${connection.networkName}.json`,
        JSON.stringify({
          version: 1,
          network: connection.networkName,
          chainId: 31337,
          contracts: { LicenseRegistry: await record(f.common.market) },
        }),
      );
      const other = await runTask("license:verify", { file: out, deploymentsDir: lookAlike });
      expect(other.exitCode).to.equal(2);
      expect(other.stdout).to.contain(
        `verdict      NOT OFFICIAL: not the official License Ledger of ${connection.networkName}\n`,
      );
    });

    it("reports each difference of an edited JSON file in plain words, with exit code 1", async function () {
      const f = await setup();
      const file = await writeCertificate(f, "resold.json");
      const cert = JSON.parse(readFileSync(file, "utf8")) as Certificate;
      cert.license.seats = "400";
      cert.holders[3]!.holder = f.stranger.address;
      writeFileSync(file, certificateToJson(cert));
      const run = await runTask("license:verify", { ...f.common, file });
      expect(run.exitCode).to.equal(1);
      expect(run.stdout).to.contain(
        `verdict      NOT GENUINE: 2 differences from the chain at block ${cert.drawnAt.block}\n`,
      );
      expect(run.stdout).to.contain(
        "  - the license: the certificate says the license carries this many seats: 400, the chain says 40 (license.seats)\n",
      );
      expect(run.stdout).to.match(
        new RegExp(
          `  - holder period 4 .*the certificate says the holder was ${f.stranger.address}, the chain says ${f.buyer.address} \\(holders\\[3\\]\\.holder\\)\\n`,
        ),
      );
    });

    it("refuses a PDF without a certificate, and a malformed JSON file, with their sentences", async function () {
      const dir = tempDir();
      const doc = await PDFDocument.create();
      doc.addPage().drawText("an invoice", { font: await doc.embedFont(StandardFonts.Helvetica) });
      const plain = join(dir, "invoice.pdf");
      writeFileSync(plain, await doc.save());
      const run = await runTask("license:verify", { file: plain });
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.contain(
        "Error: the PDF holds no License Ledger certificate (no certificate.json attachment): it was not made by License Ledger\n",
      );
      const truncated = join(dir, "truncated.json");
      writeFileSync(truncated, '{"schema": "license-ledger-certificate", "vers');
      const bad = await runTask("license:verify", { file: truncated });
      expect(bad.exitCode).to.equal(1);
      expect(bad.stderr).to.contain("Error: the certificate is not valid JSON");
      const missing = await runTask("license:verify", { file: join(dir, "nothing.pdf") });
      expect(missing.stderr).to.contain(
        `Error: the certificate file ${join(dir, "nothing.pdf")} does not exist or cannot be read\n`,
      );
    });
  });

  describe("license:held-by", function () {
    it("lists the licenses an account held at a past block or time", async function () {
      const f = await setup();
      const firstSale = f.sales[0]!;
      const run = await runTask("license:held-by", {
        ...f.common,
        account: f.dealer.address,
        atBlock: String(firstSale.blockNumber),
      });
      expect(run.stdout).to.equal(
        `${f.dealer.address} held 1 license at block ${firstSale.blockNumber}: ${f.resold}\n`,
      );
      const now = await runTask("license:held-by", {
        ...f.common,
        account: f.dealer.address,
        atTime: String((await ethers.provider.getBlock("latest"))!.timestamp + 3600),
        json: true,
      });
      expect(jsonOf<{ licenses: string[] }>(now).licenses).to.deep.equal([]);
      const before = await runTask("license:held-by", {
        ...f.common,
        account: f.holder.address,
        atTime: "2001-01-01",
      });
      expect(before.stdout).to.equal(
        `${f.holder.address} held no licenses at 2001-01-01T00:00:00Z (before the chain's first block)\n`,
      );
      const when = await runTask("license:held-by", { ...f.common, account: f.holder.address });
      expect(when.stderr).to.contain(
        "Error: when? Give --at-time <date> or --at-block N (license:list shows what it holds now)\n",
      );
    });
  });
});
