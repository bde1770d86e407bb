/**
 * The verdict as named checks, each read off what the SDK rebuilt and verified: nothing here
 * re-derives the chain of title, it only states what the rebuilt title and the verdict show.
 */
import type { CertificateVerdict, TitleStep, TrustedDeployment } from "@license-ledger/sdk/browser";

import { trustOrigin, type LicenseReport } from "./chain.js";
import { formatDate, t, type Key } from "./i18n.js";

export type CheckStatus = "pass" | "fail" | "na";

export interface Check {
  id: string;
  title: Key;
  status: CheckStatus;
  sentence: string;
  /** Sentences from the SDK (English), shown as details. */
  details?: string[];
}

export interface LinkCheck {
  block: number;
  problems: string[];
}

export interface CheckInput {
  trusted: TrustedDeployment;
  deploymentProblems: string[];
  report: LicenseReport;
  verdict?: CertificateVerdict;
  link?: LinkCheck;
  /** The RPC the answers came from, when a link named it rather than the visitor or the page. */
  rpcFromLink?: string;
}

/** Where the trust in a deployment came from, in the visitor's language. */
function sourceInWords(trusted: TrustedDeployment): string {
  const origin = trustOrigin(trusted);
  if (origin === undefined) return trusted.source;
  return t(origin.kind === "built-in" ? "src_builtIn" : "src_trustFile", { name: origin.name });
}

const stateName = (status: string): string => t(`s_${status}` as Key);

/** The holder in words: an address (the page names nobody it cannot prove). */
export const party = (address: string): string => address;

export function computeChecks(input: CheckInput): Check[] {
  const { trusted, deploymentProblems, report, verdict, link, rpcFromLink } = input;
  const { title, now } = report;
  const checks: Check[] = [];

  checks.push(
    deploymentProblems.length === 0
      ? {
          id: "official",
          title: "c_official",
          status: "pass",
          sentence: t("c_officialPass", {
            registry: trusted.registry,
            network: trusted.network,
            chain: trusted.chainId.toString(),
            source: sourceInWords(trusted),
            code: t(trusted.registryCodeHash === null ? "c_officialNoCode" : "c_officialCode"),
          }),
        }
      : {
          id: "official",
          title: "c_official",
          status: "fail",
          sentence: t("c_officialFail", { why: deploymentProblems[0] ?? "" }),
          details: deploymentProblems,
        },
  );

  // Everything below is what that node answered: a node a forger chose can lie consistently.
  if (rpcFromLink !== undefined) {
    checks.push({
      id: "rpc",
      title: "c_rpc",
      status: "fail",
      sentence: t("c_rpcLink", { url: rpcFromLink }),
    });
  }

  const status = now.suspended ? "suspended" : now.expired ? "expired" : now.status;
  checks.push({
    id: "exists",
    title: "c_exists",
    status: "pass",
    sentence: t("c_existsPass", {
      id: title.licenseId.toString(),
      product: title.product.productId.toString(),
      seats: now.seats.toString(),
      status: stateName(status),
      holder: party(now.holder),
    }),
  });

  const whyNot = (): string => {
    if (now.status === "revoked") return t("why_revoked");
    if (now.status === "surrendered") return t("why_surrendered");
    if (now.status === "split") return t("why_split");
    if (now.suspended) return t("why_suspended");
    if (now.expired) return t("why_expired", { date: formatDate(now.validUntil) });
    if (now.status === "released") return t("why_released");
    return now.status;
  };
  checks.push(
    now.valid
      ? {
          id: "valid",
          title: "c_valid",
          status: "pass",
          sentence: t("c_validPass", {
            holder: party(now.holder),
            until: now.validUntil === 0n ? "" : t("until", { date: formatDate(now.validUntil) }),
          }),
        }
      : {
          id: "valid",
          title: "c_valid",
          status: "fail",
          sentence: t("c_validFail", { why: whyNot() }),
        },
  );

  checks.push(resaleCheck(report));
  checks.push(chainCheck(report));

  if (link !== undefined) {
    checks.push(
      link.problems.length === 0
        ? {
            id: "link",
            title: "c_link",
            status: "pass",
            sentence: t("c_linkPass", { block: String(link.block) }),
          }
        : {
            id: "link",
            title: "c_link",
            status: "fail",
            sentence: t("c_linkFail", { why: link.problems.join("; ") }),
          },
    );
  }

  checks.push(...certificateChecks(verdict));
  return checks;
}

const before = (a: TitleStep, b: TitleStep): boolean =>
  a.block < b.block || (a.block === b.block && a.logIndex < b.logIndex);

function resaleCheck({ title }: LicenseReport): Check {
  const moves = title.steps.filter((s) => s.kind === "transferred");
  if (moves.length === 0) {
    return { id: "resales", title: "c_resales", status: "na", sentence: t("c_resalesNa") };
  }
  const license = title.license;
  const problems: string[] = [];
  let attestedSomewhere = false;
  for (const move of moves) {
    if (move.kind !== "transferred") continue;
    const release = title.steps.find(
      (s) =>
        s.kind === "released" &&
        s.licenseId === move.licenseId &&
        s.basis !== null &&
        s.basis === move.basis &&
        s.details.holder.toLowerCase() === move.details.from.toLowerCase() &&
        before(s, move),
    );
    if (release === undefined) {
      problems.push(t("why_noDecl", { tx: move.transaction }));
      continue;
    }
    if (license.attestationRequired && !license.exhausted) {
      const attested = title.steps.some(
        (s) =>
          (s.kind === "attested" || s.kind === "attestation-lapsed") &&
          s.licenseId === move.licenseId &&
          before(release, s) &&
          !before(move, s),
      );
      if (!attested) problems.push(t("why_noAttest", { tx: move.transaction }));
      else attestedSomewhere = true;
    }
  }
  if (!license.exhausted && !license.transferable) problems.push(t("why_notPermitted"));
  if (problems.length > 0) {
    return {
      id: "resales",
      title: "c_resales",
      status: "fail",
      sentence: t("c_resalesFail", { why: problems[0] ?? "" }),
      details: problems,
    };
  }
  const basis = [license.exhausted ? t("basis_exhausted") : t("basis_terms")];
  if (attestedSomewhere) basis.push(t("basis_attestedOk"));
  return {
    id: "resales",
    title: "c_resales",
    status: "pass",
    sentence: t("c_resalesPass", { n: String(moves.length), basis: basis.join("; ") }),
  };
}

function chainCheck({ title }: LicenseReport): Check {
  const problems: string[] = [];
  const holders = title.holders;
  for (let i = 0; i + 1 < holders.length; i++) {
    const a = holders[i]!;
    const b = holders[i + 1]!;
    if (
      a.until === null ||
      a.until.block !== b.since.block ||
      a.until.transaction !== b.since.transaction
    ) {
      problems.push(
        t("why_gap", {
          holder: a.holder,
          a: a.until === null ? "-" : String(a.until.block),
          b: String(b.since.block),
        }),
      );
    }
  }
  if (holders.length === 0 || holders[holders.length - 1]!.until !== null) {
    problems.push(t("why_gap", { holder: "-", a: "-", b: "-" }));
  }
  if (title.consistency !== "checked") problems.push(title.consistency);
  const first = title.steps.find((s) => s.kind === "issued");
  if (first === undefined) problems.push(t("why_gap", { holder: "-", a: "0", b: "-" }));
  if (problems.length > 0) {
    return {
      id: "chain",
      title: "c_chain",
      status: "fail",
      sentence: t("c_chainFail", { why: problems[0] ?? "" }),
      details: problems,
    };
  }
  const onboarded = title.steps.some(
    (s) => (s.kind === "issued-by" || s.kind === "evidence-drawn") && s.basis !== null,
  );
  // A license claimed from a committed run: its title starts at the run's commit.
  const commit = title.steps.find((s) => s.kind === "committed");
  return {
    id: "chain",
    title: "c_chain",
    status: "pass",
    sentence: t("c_chainPass", {
      n: String(holders.length),
      origin: t(
        commit !== undefined ? "origin_commit" : onboarded ? "origin_onboard" : "origin_issue",
      ),
      date: formatDate((commit ?? first!).timestamp),
    }),
  };
}

function certificateChecks(v: CertificateVerdict | undefined): Check[] {
  if (v === undefined) {
    return [{ id: "certificate", title: "c_cert", status: "na", sentence: t("c_certNa") }];
  }
  const block = String(v.drawnAtBlock);
  const checks: Check[] = [];
  if (!v.official) {
    checks.push({
      id: "certificate",
      title: "c_cert",
      status: "fail",
      sentence: t("c_certNotOfficial", { why: v.notOfficial[0] ?? "" }),
      details: v.notOfficial,
    });
  } else if (!v.genuine) {
    checks.push({
      id: "certificate",
      title: "c_cert",
      status: "fail",
      sentence: t("c_certFail", { why: v.differences[0] ?? "" }),
      details: v.differences,
    });
  } else {
    checks.push({
      id: "certificate",
      title: "c_cert",
      status: "pass",
      sentence: t("c_certPass", { block, pages: v.pages === "checked" ? t("c_certPages") : "" }),
    });
  }
  const trusted = v.official && v.genuine;
  checks.push(
    !trusted
      ? { id: "current", title: "c_current", status: "na", sentence: t("c_certUntrusted") }
      : v.current
        ? {
            id: "current",
            title: "c_current",
            status: "pass",
            sentence: t("c_currentPass", { block }),
          }
        : {
            id: "current",
            title: "c_current",
            status: "fail",
            sentence: t("c_currentFail", { block, what: v.changedSince[0] ?? "" }),
            details: v.changedSince,
          },
  );
  checks.push(
    !trusted
      ? { id: "final", title: "c_final", status: "na", sentence: t("c_certUntrusted") }
      : v.final
        ? {
            id: "final",
            title: "c_final",
            status: "pass",
            sentence: t("c_finalPass", {
              block,
              how: v.finalizedBlock === null ? t("c_finalNoReport") : "",
            }),
          }
        : { id: "final", title: "c_final", status: "fail", sentence: t("c_finalFail", { block }) },
  );
  return checks;
}
