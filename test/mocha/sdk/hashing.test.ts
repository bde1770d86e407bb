import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

import {
  hashDocument,
  hashDocumentFile,
  KEY_COMMITMENT_TAG,
  LedgerError,
  keyCommitment,
  normalizeLicenseKey,
} from "@license-ledger/sdk";
import { removeTempDirs, tempDir } from "../../helpers/sdk.js";

/** What the system's `sha256sum` prints for a file, as a 0x-prefixed bytes32. */
function sha256sum(path: string): string {
  const line = execFileSync("sha256sum", ["--binary", path], { encoding: "utf8" });
  const digest = /^([0-9a-f]{64}) /.exec(line)?.[1];
  if (digest === undefined) throw new Error(`unexpected sha256sum output: ${line}`);
  return `0x${digest}`;
}

describe("SDK hashing", function () {
  after(removeTempDirs);

  describe("hashDocumentFile", function () {
    it("equals what sha256sum prints for the same file", async function () {
      const dir = tempDir();
      const declaration = join(dir, "declaration.txt");
      writeFileSync(
        declaration,
        "We, ACME GmbH, declare that every copy of Product X under license 1000000000001 is uninstalled.\r\n",
      );
      const binary = join(dir, "certificate.bin");
      writeFileSync(
        binary,
        Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256),
      );
      const empty = join(dir, "empty");
      writeFileSync(empty, "");
      for (const path of [declaration, binary, empty]) {
        const hash = await hashDocumentFile(path);
        expect(hash).to.match(/^0x[0-9a-f]{64}$/);
        expect(hash, path).to.equal(sha256sum(path));
      }
      expect(await hashDocumentFile(empty)).to.equal(
        "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      );
    });

    it("hashes the bytes exactly as stored (no newline or encoding normalisation)", async function () {
      const dir = tempDir();
      const unix = join(dir, "unix.txt");
      const windows = join(dir, "windows.txt");
      writeFileSync(unix, "line\n");
      writeFileSync(windows, "line\r\n");
      expect(await hashDocumentFile(unix)).to.not.equal(await hashDocumentFile(windows));
      expect(await hashDocumentFile(unix)).to.equal(hashDocument(toUtf8Bytes("line\n")));
    });

    it("fails with a sentence for a file that does not exist, keeping the file error", async function () {
      const missing = join(tempDir(), "missing.pdf");
      const error = await hashDocumentFile(missing).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(LedgerError);
      expect((error as LedgerError).code).to.equal("DocumentUnreadable");
      expect((error as LedgerError).message).to.equal(`cannot read the document ${missing}`);
      expect(((error as LedgerError).cause as NodeJS.ErrnoException).code).to.equal("ENOENT");
    });
  });

  describe("keyCommitment", function () {
    it("normalises spaces, hyphens, case and Unicode width", function () {
      const canonical = "ABCD1234EFGH5678";
      for (const written of [
        "ABCD-1234-EFGH-5678",
        "abcd-1234-efgh-5678",
        "  abcd 1234\tefgh\n5678 ",
        "AbCd--1234 - eFgH-5678",
        "ＡＢＣＤ－１２３４－ＥＦＧＨ－５６７８", // full-width forms, as some documents print keys
      ]) {
        expect(normalizeLicenseKey(written), JSON.stringify(written)).to.equal(canonical);
        expect(keyCommitment(1n, written), JSON.stringify(written)).to.equal(
          keyCommitment(1n, canonical),
        );
      }
    });

    it("tells different keys apart", function () {
      expect(keyCommitment(1n, "ABCD-1234")).to.not.equal(keyCommitment(1n, "ABCD-1235"));
      expect(keyCommitment(1n, "ABCD-1234")).to.not.equal(keyCommitment(1n, "ABCD_1234"));
    });

    it("differs per product, so a key of one product never matches another's", function () {
      const key = "ABCD-1234-EFGH-5678";
      const commitments = [1n, 2n, 3n, 10n ** 12n].map((productId) =>
        keyCommitment(productId, key),
      );
      expect(new Set(commitments).size).to.equal(commitments.length);
    });

    it("is keccak256(abi.encode(tag, productId, normalised key)), reproducible without the SDK", function () {
      expect(KEY_COMMITMENT_TAG).to.equal("License Ledger key commitment v1");
      const expected = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["string", "uint256", "string"],
          ["License Ledger key commitment v1", 7n, "XY12ZZ"],
        ),
      );
      expect(keyCommitment(7n, "xy12-zz")).to.equal(expected);
    });
  });
});
