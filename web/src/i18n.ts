/**
 * The page's words in English and German. Sentences from the SDK (a certificate's differences,
 * a node's refusal) stay in English and are shown as details under a translated sentence.
 */
export type Lang = "en" | "de";

type Params = Record<string, string>;
type Message = string | ((p: Params) => string);

const en = {
  title: "Verify a software license",
  intro:
    "Check a used software license and its chain of title straight from the public ledger: no wallet, no account, nothing sent to us.",
  language: "Language",
  rpcLabel: "JSON-RPC URL of the network",
  rpcHint: "The page reads the chain through this address; your own node is the strongest choice.",
  byIdHeading: "By license number",
  licenseIdLabel: "License number",
  check: "Check",
  byKeyHeading: "By license key",
  productIdLabel: "Product number",
  keyLabel: "License key",
  keyHint: "The key is hashed in this browser; only its hash is used to ask the ledger.",
  fileHeading: "A certificate (PDF or JSON)",
  fileLabel: "Choose or drop a certificate file",
  fileHint: "The file is checked against the official ledger in this browser; it is not uploaded.",
  scanHeading: "The QR code of a certificate",
  scanStart: "Scan with the camera",
  scanStop: "Stop the camera",
  scanUnsupported: "This browser cannot read QR codes from the camera.",
  scanDenied: "The camera is not available (permission denied or no camera).",
  scanLooking: "Point the camera at the certificate's QR code.",
  scanNotLink: "This QR code is not a License Ledger verification link.",
  empty: "Enter a license number, a license key or a certificate to see its verdict here.",
  loading: "Reading the ledger…",
  resultHeading: (p) => `License ${p.id}`,
  verdictOk: "Every check passed.",
  verdictProblems: (p) => `${p.n} check(s) failed: read them before you rely on this license.`,
  pass: "pass",
  fail: "fail",
  na: "not applicable",
  checksHeading: "Checks",
  timelineHeading: "Chain of title",
  holdersHeading: "Holders",
  heldHeading: "Who held it on a date?",
  heldDate: "Date",
  heldAsk: "Show holder",
  heldBy: (p) => `At the end of ${p.date} (UTC), license ${p.license} was held by ${p.holder}.`,
  heldNone: (p) => `License ${p.id} did not exist yet at the end of ${p.date} (UTC).`,
  heldEnded: (p) =>
    `At the end of ${p.date} (UTC), license ${p.license} had ended (${p.how} on ${p.at}): it was valid for nobody; its last holder was ${p.holder}.`,
  heldAfter: (p) =>
    `The chain of title was read at ${p.at}; ${p.date} is later, so the holder then is the holder now: ${p.holder}.`,
  // checks
  c_official: "Official ledger of this network",
  c_officialPass: (p) =>
    `The registry ${p.registry} is the official License Ledger of ${p.network} (chain ${p.chain}), trusted from ${p.source}; ${p.code}`,
  src_builtIn: (p) => `the address book ${p.name} built into this page from @license-ledger/sdk`,
  src_trustFile: (p) => `the trust file local-trust.json served with this page (${p.name})`,
  c_officialCode: "the node serves the code recorded at its deployment.",
  c_officialNoCode: "no code hash is recorded, so its code was not compared.",
  c_officialFail: (p) => `The node does not serve the official deployment: ${p.why}`,
  c_rpc: "RPC chosen by you or this page",
  c_rpcLink: (p) =>
    `The RPC ${p.url} was named by the link you opened, not by you or this page: a forger's node can answer with a consistent false history that no check here detects, so this verdict cannot be trusted. Enter an RPC you trust above and check again.`,
  c_exists: "The license exists",
  c_existsPass: (p) =>
    `License ${p.id} of product ${p.product} exists: ${p.seats} seat(s), ${p.status}, held by ${p.holder}.`,
  c_valid: "Valid for its holder today",
  c_validPass: (p) => `The registry says the license is valid for ${p.holder} now${p.until}.`,
  c_validFail: (p) => `Not valid now: ${p.why}.`,
  c_resales: "Each resale lawful",
  c_resalesNa: "The license never changed hands: there is no resale to check.",
  c_resalesPass: (p) =>
    `All ${p.n} change(s) of hands relied on the seller's declaration that its copy was unusable, made before it moved; ${p.basis}.`,
  c_resalesFail: (p) => `A change of hands lacks what the law requires: ${p.why}.`,
  c_chain: "Chain of title complete",
  c_chainPass: (p) =>
    `${p.n} holder(s) without a gap from the first ${p.origin} on ${p.date} to today, checked against the registry's own state.`,
  c_chainFail: (p) => `The chain of title has a gap or disagrees with the registry: ${p.why}.`,
  c_cert: "Certificate genuine",
  c_certNa: "No certificate given.",
  c_certUntrusted: "Not judged: the certificate is not a genuine one of the official ledger.",
  c_certPass: (p) =>
    `The certificate of block ${p.block} matches the official ledger field by field${p.pages}.`,
  c_certPages: ", and its PDF pages are the drawing of the data it carries",
  c_certNotOfficial: (p) =>
    `The certificate names another registry than the official one: it proves nothing about this network. ${p.why}`,
  c_certFail: (p) => `The certificate differs from the official ledger: ${p.why}`,
  c_current: "Certificate current",
  c_currentPass: (p) => `Nothing about the license changed since block ${p.block}.`,
  c_currentFail: (p) => `Superseded: the license changed after block ${p.block}: ${p.what}`,
  c_final: "Certificate final",
  c_finalPass: (p) => `Block ${p.block} is final on this network${p.how}.`,
  c_finalNoReport: " (the node reports no finality, as on a local chain)",
  c_finalFail: (p) => `Block ${p.block} is not final yet: a reorganisation could still undo it.`,
  c_link: "Link matches the chain",
  c_linkPass: (p) =>
    `The link's block ${p.block} and its hash are on this chain, and it names the official registry.`,
  c_linkFail: (p) => `The link does not match the official ledger: ${p.why}.`,
  origin_issue: "issuance",
  origin_onboard: "onboarding with first-sale evidence",
  origin_commit: "commit of its issuance run",
  basis_exhausted:
    "the license is exhausted (perpetual, first sold in the EEA or Switzerland), so its terms could not forbid resale",
  basis_terms: "its terms permit transfer",
  basis_attestedOk: "the publisher attested the deactivation where required",
  why_noDecl: (p) => `the move at ${p.tx} names no declaration recorded before it`,
  why_notPermitted: "the license is neither exhausted nor transferable under its terms",
  why_noAttest: (p) => `the move at ${p.tx} lacks the publisher's attestation its product requires`,
  why_gap: (p) => `the holding of ${p.holder} ends at ${p.a} but the next begins at ${p.b}`,
  why_consistency: (p) => `${p.detail}`,
  why_revoked: "it was revoked by its publisher",
  why_surrendered: "it was surrendered by its holder",
  why_split: "it was split: its seats live on in its child licenses",
  why_released: "its holder released it for sale (declared its copy unusable)",
  why_suspended: "it is suspended (a dispute)",
  why_expired: (p) => `its term ended on ${p.date}`,
  until: (p) => ` until ${p.date}`,
  perpetual: "perpetual",
  // states
  s_active: "active",
  s_released: "released for sale",
  s_revoked: "revoked",
  s_surrendered: "surrendered",
  s_split: "split",
  s_suspended: "suspended",
  s_expired: "expired",
  // timeline
  t_when: "When",
  t_what: "What",
  t_tx: "Transaction",
  t_block: (p) => `block ${p.block}`,
  k_issued: (p) => `Issued to ${p.holder}: ${p.seats} seat(s), ${p.validity}`,
  "k_issued-by": (p) => `Issued by the authorised issuer ${p.issuer}`,
  "k_key-committed": "A license key was bound (only its hash is on the ledger)",
  k_released: (p) => `${p.holder} declared its copy unusable and released the license`,
  "k_release-withdrawn": (p) => `${p.holder} withdrew the release`,
  k_attested: (p) => `The publisher (${p.attester}) attested the deactivation`,
  k_transferred: (p) => `Moved from ${p.from} to ${p.to}`,
  k_sold: (p) =>
    `Sold by ${p.seller} to ${p.buyer} for ${p.price} (buyer paid ${p.paid}, fee ${p.fee})`,
  k_split: (p) => `Split: license ${p.childId} takes ${p.seats} seat(s)`,
  k_suspended: (p) => `Suspended by ${p.by}`,
  k_reinstated: (p) => `Reinstated by ${p.by}`,
  k_revoked: (p) => `Revoked by ${p.by} for ${p.reason}`,
  k_surrendered: (p) => `Surrendered by ${p.holder}`,
  "k_first-sale-recorded": (p) => `First sale recorded in: ${p.region}`,
  "k_evidence-drawn": (p) =>
    `${p.seats} seat(s) drawn on the first-sale evidence (${p.used} of ${p.capacity} used)`,
  "k_suspension-bounded": (p) => `The suspension lapses by itself on ${p.date}`,
  "k_arbiter-reinstated": (p) =>
    `The arbiter ${p.arbiter} reinstated it; only an arbiter may suspend it now`,
  "k_attestation-lapsed": "The publisher did not attest in time: the declaration sufficed",
  k_committed: (p) =>
    `Committed by ${p.committer} in issuance run ${p.runId} (${p.leafCount} licenses from ${p.firstLicenseId}); leaves file ${p.leavesURI}, SHA-256 ${p.leavesHash}`,
  k_claimed: (p) => `Claimed from run ${p.runId} for ${p.holder} (sent by ${p.claimer})`,
  reason_1: "a refund",
  reason_2: "fraud",
  reason_3: "a court order",
  reason_4: "a publisher error",
  basis_released: "declaration",
  basis_transferred: "declaration relied on",
  basis_issued: "first-sale evidence",
  "basis_issued-by": "first-sale evidence",
  "basis_evidence-drawn": "first-sale evidence",
  basis_sold: "order",
  basis_revoked: "evidence",
  basis_suspended: "evidence",
  basis_attested: "evidence",
  basis_reinstated: "reason",
  "basis_key-committed": "key commitment",
  basis_committed: "Merkle root of the run",
  basis_other: "document hash",
  ofLicense: (p) => `license ${p.id}`,
  splitFrom: "Split from",
  splitInto: "Split into",
  keyResults: (p) => `The key stands for ${p.n} live license(s) of product ${p.product}:`,
  provenance: "Who vouched for the origin",
  pr_registered: (p) =>
    `Product ${p.product} registered by ${p.by === "operator" ? "an operator on the publisher's behalf" : "its publisher"} (${p.controller})`,
  pr_other: (p) => `${p.kind}`,
  // errors
  e_rpcDown: (p) =>
    `The network cannot be reached at ${p.url}. Check the RPC URL, or try again later.`,
  "e_no-official": (p) =>
    `This RPC serves chain ${p.chainId}, for which this page knows no official License Ledger. A wrong network? Nothing on it is trusted.`,
  "e_unknown-license": "No such license on the official ledger of this network.",
  "e_unknown-key": "No license is bound to this key for this product.",
  "e_bad-input":
    "This input cannot be read: a license number is digits only; a certificate is a PDF or JSON file of License Ledger.",
  "e_bad-file":
    "This file cannot be read as a License Ledger certificate (PDF or JSON), so nothing in it was checked or trusted. Why:",
  "e_logs-limited":
    "The RPC provider limits how much history it returns, and the page could not page around it. Use another provider or your own node.",
  "e_wrong-chain":
    "The certificate is for another chain than this RPC serves. Use an RPC URL of the certificate's network.",
  e_failed: "The ledger could not be read.",
  detail: "Details (from the ledger software, in English)",
  trustHeading: "What this verdict trusts",
  trustText:
    "It trusts only address books built into this page (from the @license-ledger/sdk package) and, for a private or demo deployment, the trust file served with this page. An address in a link or a certificate is never trusted by itself. It checks the node's code against the recorded code hash and its history against the registry's own state, but a node that lies consistently about everything is not detected: use an RPC you have reason to trust.",
  trustNow: (p) => `Deployments this page trusts: ${p.list}.`,
  readIn: (p) => `Read in ${p.s} s at block ${p.block}.`,
} satisfies Record<string, Message>;

export type Key = keyof typeof en;

const de: Record<Key, Message> = {
  title: "Eine Softwarelizenz prüfen",
  intro:
    "Prüfen Sie eine gebrauchte Softwarelizenz und ihre Rechtekette direkt im öffentlichen Register: ohne Wallet, ohne Konto, ohne dass etwas an uns geht.",
  language: "Sprache",
  rpcLabel: "JSON-RPC-Adresse des Netzwerks",
  rpcHint:
    "Die Seite liest die Kette über diese Adresse; ein eigener Knoten ist die sicherste Wahl.",
  byIdHeading: "Nach Lizenznummer",
  licenseIdLabel: "Lizenznummer",
  check: "Prüfen",
  byKeyHeading: "Nach Lizenzschlüssel",
  productIdLabel: "Produktnummer",
  keyLabel: "Lizenzschlüssel",
  keyHint: "Der Schlüssel wird in diesem Browser gehasht; nur sein Hash wird im Register gesucht.",
  fileHeading: "Ein Zertifikat (PDF oder JSON)",
  fileLabel: "Zertifikatsdatei wählen oder hierher ziehen",
  fileHint:
    "Die Datei wird in diesem Browser gegen das offizielle Register geprüft; sie wird nicht hochgeladen.",
  scanHeading: "Der QR-Code eines Zertifikats",
  scanStart: "Mit der Kamera scannen",
  scanStop: "Kamera ausschalten",
  scanUnsupported: "Dieser Browser kann keine QR-Codes von der Kamera lesen.",
  scanDenied: "Die Kamera ist nicht verfügbar (keine Erlaubnis oder keine Kamera).",
  scanLooking: "Halten Sie die Kamera auf den QR-Code des Zertifikats.",
  scanNotLink: "Dieser QR-Code ist kein Prüflink von License Ledger.",
  empty:
    "Geben Sie eine Lizenznummer, einen Lizenzschlüssel oder ein Zertifikat ein, um hier das Ergebnis zu sehen.",
  loading: "Das Register wird gelesen…",
  resultHeading: (p) => `Lizenz ${p.id}`,
  verdictOk: "Alle Prüfungen bestanden.",
  verdictProblems: (p) =>
    `${p.n} Prüfung(en) nicht bestanden: Lesen Sie sie, bevor Sie sich auf diese Lizenz verlassen.`,
  pass: "bestanden",
  fail: "nicht bestanden",
  na: "entfällt",
  checksHeading: "Prüfungen",
  timelineHeading: "Rechtekette",
  holdersHeading: "Inhaber",
  heldHeading: "Wer hielt sie an einem Tag?",
  heldDate: "Datum",
  heldAsk: "Inhaber zeigen",
  heldBy: (p) => `Am Ende des ${p.date} (UTC) hielt ${p.holder} die Lizenz ${p.license}.`,
  heldNone: (p) => `Die Lizenz ${p.id} gab es am Ende des ${p.date} (UTC) noch nicht.`,
  heldEnded: (p) =>
    `Am Ende des ${p.date} (UTC) war die Lizenz ${p.license} beendet (${p.how} am ${p.at}): Sie galt für niemanden; ihr letzter Inhaber war ${p.holder}.`,
  heldAfter: (p) =>
    `Die Rechtekette wurde am ${p.at} gelesen; der ${p.date} liegt später, der Inhaber dann ist der heutige: ${p.holder}.`,
  c_official: "Offizielles Register dieses Netzwerks",
  c_officialPass: (p) =>
    `Das Register ${p.registry} ist das offizielle License Ledger von ${p.network} (Chain ${p.chain}); Vertrauensquelle: ${p.source}; ${p.code}`,
  src_builtIn: (p) => `das in diese Seite eingebaute Adressbuch ${p.name} aus @license-ledger/sdk`,
  src_trustFile: (p) =>
    `die mit dieser Seite ausgelieferte Vertrauensdatei local-trust.json (${p.name})`,
  c_officialCode: "der Knoten liefert den bei der Bereitstellung erfassten Code.",
  c_officialNoCode: "kein Code-Hash erfasst, daher wurde der Code nicht verglichen.",
  c_officialFail: (p) => `Der Knoten liefert nicht die offizielle Bereitstellung: ${p.why}`,
  c_rpc: "RPC-Adresse von Ihnen oder dieser Seite gewählt",
  c_rpcLink: (p) =>
    `Die RPC-Adresse ${p.url} hat der geöffnete Link vorgegeben, nicht Sie oder diese Seite: Der Knoten eines Fälschers kann eine widerspruchsfreie falsche Historie liefern, die keine Prüfung hier erkennt; diesem Ergebnis ist daher nicht zu trauen. Geben Sie oben eine RPC-Adresse ein, der Sie vertrauen, und prüfen Sie erneut.`,
  c_exists: "Die Lizenz existiert",
  c_existsPass: (p) =>
    `Lizenz ${p.id} des Produkts ${p.product} existiert: ${p.seats} Platz/Plätze, ${p.status}, gehalten von ${p.holder}.`,
  c_valid: "Heute gültig für ihren Inhaber",
  c_validPass: (p) => `Laut Register ist die Lizenz jetzt gültig für ${p.holder}${p.until}.`,
  c_validFail: (p) => `Jetzt nicht gültig: ${p.why}.`,
  c_resales: "Jeder Weiterverkauf rechtmäßig",
  c_resalesNa: "Die Lizenz hat nie den Inhaber gewechselt: Es gibt keinen Weiterverkauf zu prüfen.",
  c_resalesPass: (p) =>
    `Alle ${p.n} Inhaberwechsel stützten sich auf die vorher abgegebene Erklärung des Verkäufers, seine Kopie sei unbrauchbar; ${p.basis}.`,
  c_resalesFail: (p) => `Einem Inhaberwechsel fehlt, was das Recht verlangt: ${p.why}.`,
  c_chain: "Rechtekette lückenlos",
  c_chainPass: (p) =>
    `${p.n} Inhaber ohne Lücke von der ersten ${p.origin} am ${p.date} bis heute, abgeglichen mit dem Zustand des Registers.`,
  c_chainFail: (p) => `Die Rechtekette hat eine Lücke oder widerspricht dem Register: ${p.why}.`,
  c_cert: "Zertifikat echt",
  c_certNa: "Kein Zertifikat angegeben.",
  c_certUntrusted: "Nicht beurteilt: Das Zertifikat ist kein echtes des offiziellen Registers.",
  c_certPass: (p) =>
    `Das Zertifikat von Block ${p.block} stimmt Feld für Feld mit dem offiziellen Register überein${p.pages}.`,
  c_certPages: ", und die PDF-Seiten sind die Zeichnung der enthaltenen Daten",
  c_certNotOfficial: (p) =>
    `Das Zertifikat nennt ein anderes Register als das offizielle: Es beweist nichts über dieses Netzwerk. ${p.why}`,
  c_certFail: (p) => `Das Zertifikat weicht vom offiziellen Register ab: ${p.why}`,
  c_current: "Zertifikat aktuell",
  c_currentPass: (p) => `Seit Block ${p.block} hat sich an der Lizenz nichts geändert.`,
  c_currentFail: (p) => `Überholt: Die Lizenz hat sich nach Block ${p.block} geändert: ${p.what}`,
  c_final: "Zertifikat endgültig",
  c_finalPass: (p) => `Block ${p.block} ist in diesem Netzwerk endgültig${p.how}.`,
  c_finalNoReport: " (der Knoten meldet keine Finalität, wie bei einer lokalen Chain)",
  c_finalFail: (p) =>
    `Block ${p.block} ist noch nicht endgültig: Eine Reorganisation könnte ihn rückgängig machen.`,
  c_link: "Link passt zur Chain",
  c_linkPass: (p) =>
    `Block ${p.block} des Links und sein Hash liegen auf dieser Chain, und er nennt das offizielle Register.`,
  c_linkFail: (p) => `Der Link passt nicht zum offiziellen Register: ${p.why}.`,
  origin_issue: "Ausgabe",
  origin_onboard: "Aufnahme mit Nachweis des Erstverkaufs",
  origin_commit: "Zusage in einem Ausgabelauf",
  basis_exhausted:
    "die Lizenz ist erschöpft (unbefristet, erstmals im EWR oder der Schweiz verkauft), ihre Bedingungen konnten den Weiterverkauf nicht verbieten",
  basis_terms: "ihre Bedingungen erlauben die Übertragung",
  basis_attestedOk: "der Hersteller hat die Deaktivierung bestätigt, wo verlangt",
  why_noDecl: (p) => `der Wechsel in ${p.tx} nennt keine zuvor erfasste Erklärung`,
  why_notPermitted: "die Lizenz ist weder erschöpft noch nach ihren Bedingungen übertragbar",
  why_noAttest: (p) =>
    `dem Wechsel in ${p.tx} fehlt die Bestätigung des Herstellers, die das Produkt verlangt`,
  why_gap: (p) => `der Besitz von ${p.holder} endet bei ${p.a}, der nächste beginnt bei ${p.b}`,
  why_consistency: (p) => `${p.detail}`,
  why_revoked: "sie wurde vom Hersteller widerrufen",
  why_surrendered: "sie wurde vom Inhaber zurückgegeben",
  why_split: "sie wurde geteilt: Ihre Plätze leben in den Kindlizenzen weiter",
  why_released: "der Inhaber hat sie zum Verkauf freigegeben (Kopie für unbrauchbar erklärt)",
  why_suspended: "sie ist ausgesetzt (ein Streitfall)",
  why_expired: (p) => `ihre Laufzeit endete am ${p.date}`,
  until: (p) => ` bis ${p.date}`,
  perpetual: "unbefristet",
  s_active: "aktiv",
  s_released: "zum Verkauf freigegeben",
  s_revoked: "widerrufen",
  s_surrendered: "zurückgegeben",
  s_split: "geteilt",
  s_suspended: "ausgesetzt",
  s_expired: "abgelaufen",
  t_when: "Wann",
  t_what: "Was",
  t_tx: "Transaktion",
  t_block: (p) => `Block ${p.block}`,
  k_issued: (p) => `Ausgegeben an ${p.holder}: ${p.seats} Platz/Plätze, ${p.validity}`,
  "k_issued-by": (p) => `Ausgegeben vom berechtigten Aussteller ${p.issuer}`,
  "k_key-committed": "Ein Lizenzschlüssel wurde gebunden (nur sein Hash steht im Register)",
  k_released: (p) => `${p.holder} erklärte seine Kopie für unbrauchbar und gab die Lizenz frei`,
  "k_release-withdrawn": (p) => `${p.holder} zog die Freigabe zurück`,
  k_attested: (p) => `Der Hersteller (${p.attester}) bestätigte die Deaktivierung`,
  k_transferred: (p) => `Übertragen von ${p.from} an ${p.to}`,
  k_sold: (p) =>
    `Verkauft von ${p.seller} an ${p.buyer} für ${p.price} (Käufer zahlte ${p.paid}, Gebühr ${p.fee})`,
  k_split: (p) => `Geteilt: Lizenz ${p.childId} erhält ${p.seats} Platz/Plätze`,
  k_suspended: (p) => `Ausgesetzt von ${p.by}`,
  k_reinstated: (p) => `Wieder in Kraft gesetzt von ${p.by}`,
  k_revoked: (p) => `Widerrufen von ${p.by} wegen ${p.reason}`,
  k_surrendered: (p) => `Zurückgegeben von ${p.holder}`,
  "k_first-sale-recorded": (p) => `Erstverkauf erfasst in: ${p.region}`,
  "k_evidence-drawn": (p) =>
    `${p.seats} Platz/Plätze auf den Erstverkaufsnachweis gebucht (${p.used} von ${p.capacity} genutzt)`,
  "k_suspension-bounded": (p) => `Die Aussetzung endet von selbst am ${p.date}`,
  "k_arbiter-reinstated": (p) =>
    `Der Schiedsrichter ${p.arbiter} setzte sie wieder in Kraft; nur ein Schiedsrichter darf sie nun aussetzen`,
  "k_attestation-lapsed": "Der Hersteller bestätigte nicht rechtzeitig: Die Erklärung genügte",
  k_committed: (p) =>
    `Von ${p.committer} im Ausgabelauf ${p.runId} zugesagt (${p.leafCount} Lizenzen ab ${p.firstLicenseId}); Blattdatei ${p.leavesURI}, SHA-256 ${p.leavesHash}`,
  k_claimed: (p) => `Aus Lauf ${p.runId} für ${p.holder} abgerufen (gesendet von ${p.claimer})`,
  reason_1: "einer Erstattung",
  reason_2: "Betrugs",
  reason_3: "eines Gerichtsbeschlusses",
  reason_4: "eines Fehlers des Herstellers",
  basis_released: "Erklärung",
  basis_transferred: "zugrunde gelegte Erklärung",
  basis_issued: "Erstverkaufsnachweis",
  "basis_issued-by": "Erstverkaufsnachweis",
  "basis_evidence-drawn": "Erstverkaufsnachweis",
  basis_sold: "Auftrag",
  basis_revoked: "Nachweis",
  basis_suspended: "Nachweis",
  basis_attested: "Nachweis",
  basis_reinstated: "Begründung",
  "basis_key-committed": "Schlüssel-Hash",
  basis_committed: "Merkle-Wurzel des Laufs",
  basis_other: "Dokument-Hash",
  ofLicense: (p) => `Lizenz ${p.id}`,
  splitFrom: "Geteilt aus",
  splitInto: "Geteilt in",
  keyResults: (p) => `Der Schlüssel steht für ${p.n} lebende Lizenz(en) des Produkts ${p.product}:`,
  provenance: "Wer für die Herkunft einsteht",
  pr_registered: (p) =>
    `Produkt ${p.product} registriert von ${p.by === "operator" ? "einem Betreiber im Namen des Herstellers" : "seinem Hersteller"} (${p.controller})`,
  pr_other: (p) => `${p.kind}`,
  e_rpcDown: (p) =>
    `Das Netzwerk ist unter ${p.url} nicht erreichbar. Prüfen Sie die RPC-Adresse oder versuchen Sie es später.`,
  "e_no-official": (p) =>
    `Diese RPC-Adresse liefert Chain ${p.chainId}, für die diese Seite kein offizielles License Ledger kennt. Falsches Netzwerk? Nichts darauf wird vertraut.`,
  "e_unknown-license": "Diese Lizenz gibt es im offiziellen Register dieses Netzwerks nicht.",
  "e_unknown-key": "Für dieses Produkt ist an diesen Schlüssel keine Lizenz gebunden.",
  "e_bad-input":
    "Diese Eingabe ist nicht lesbar: Eine Lizenznummer besteht nur aus Ziffern; ein Zertifikat ist eine PDF- oder JSON-Datei von License Ledger.",
  "e_bad-file":
    "Diese Datei lässt sich nicht als Zertifikat von License Ledger (PDF oder JSON) lesen; nichts darin wurde geprüft oder vertraut. Der Grund:",
  "e_logs-limited":
    "Der RPC-Anbieter begrenzt die gelieferte Historie, und die Seite konnte das nicht umgehen. Nutzen Sie einen anderen Anbieter oder einen eigenen Knoten.",
  "e_wrong-chain":
    "Das Zertifikat gehört zu einer anderen Chain als diese RPC-Adresse. Nutzen Sie eine RPC-Adresse des Netzwerks des Zertifikats.",
  e_failed: "Das Register konnte nicht gelesen werden.",
  detail: "Einzelheiten (aus der Register-Software, auf Englisch)",
  trustHeading: "Worauf dieses Ergebnis vertraut",
  trustText:
    "Es vertraut nur den in diese Seite eingebauten Adressbüchern (aus dem Paket @license-ledger/sdk) und, für eine private oder Demo-Bereitstellung, der mit dieser Seite ausgelieferten Vertrauensdatei. Eine Adresse in einem Link oder Zertifikat wird nie für sich allein vertraut. Die Seite prüft den Code des Knotens gegen den erfassten Code-Hash und die Historie gegen den Zustand des Registers; ein Knoten, der über alles übereinstimmend lügt, wird aber nicht erkannt: Nutzen Sie eine RPC-Adresse, der Sie vertrauen.",
  trustNow: (p) => `Bereitstellungen, denen diese Seite vertraut: ${p.list}.`,
  readIn: (p) => `Gelesen in ${p.s} s bei Block ${p.block}.`,
};

const messages: Record<Lang, Record<Key, Message>> = { en, de };

let current: Lang = "en";

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
}

export function lang(): Lang {
  return current;
}

export function t(key: Key, params: Params = {}): string {
  const m = messages[current][key] ?? en[key];
  return typeof m === "function" ? m(params) : m;
}

export function hasKey(key: string): key is Key {
  return key in en;
}

/** The language a visitor's browser prefers, among those the page speaks. */
export function preferredLang(): Lang {
  const stored = localStorage.getItem("ll-lang");
  if (stored === "en" || stored === "de") return stored;
  return navigator.language.toLowerCase().startsWith("de") ? "de" : "en";
}

/** A date (unix seconds) for people: the locale's date and time, in UTC. */
export function formatDate(seconds: number | bigint): string {
  return (
    new Intl.DateTimeFormat(current === "de" ? "de-DE" : "en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "UTC",
    }).format(new Date(Number(seconds) * 1000)) + " UTC"
  );
}
