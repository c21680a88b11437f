#!/usr/bin/env bash
# Set up and start the demo: SQLite in var/, demo content, the web server,
# a background-task worker, the BankID collector, a local mail server, the BankID simulator
# (it makes its own certificates in var/bankid) and the local SAML identity
# providers for Freja eID+, Telia and eIDAS (keys in var/saml), and the reference
# case-management system that receives webhooks (var/casemanagement). Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=etjanst.config.settings.dev
export EMAIL_HOST=127.0.0.1 EMAIL_PORT=${EMAIL_PORT:-1025}
BANKID_APP_PORT=${BANKID_APP_PORT:-8444}
SAML_IDP_PORT=${SAML_IDP_PORT:-8446}
export SAML_SIMULATOR_URL=http://127.0.0.1:$SAML_IDP_PORT
CASEMGMT_PORT=${CASEMGMT_PORT:-8767}
# Webhooks to the local reference receiver (loopback, plain http) only.
export ETJANST_WEBHOOK_ALLOWED_NETWORKS=127.0.0.1/32
mkdir -p var/mail var/static var/media

$PY manage.py migrate --no-input -v 0
$PY manage.py load_demo
$PY manage.py demo_receiver --hook "http://127.0.0.1:$CASEMGMT_PORT/hook" \
  --write var/casemanagement/credentials.json >/dev/null

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stänger demon …"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

$PY -m etjanst.simulators.mailbox --port "$EMAIL_PORT" --folder var/mail & pids+=($!)
$PY -m etjanst.simulators.bankid --folder var/bankid --api-port 8443 --app-port "$BANKID_APP_PORT" \
  >/dev/null & pids+=($!)
$PY -m etjanst.simulators.navet --folder var/navet --port 8445 >/dev/null & pids+=($!)
# It also makes the demo SP's own key pair (var/saml/sp*.pem) on first start.
$PY -m etjanst.simulators.saml --folder var/saml --port "$SAML_IDP_PORT" \
  --sp-metadata http://127.0.0.1:8000/logga-in/saml/metadata/ >/dev/null & pids+=($!)
$PY -m etjanst.simulators.casemanagement --port "$CASEMGMT_PORT" \
  --credentials var/casemanagement/credentials.json --folder var/casemanagement >/dev/null & pids+=($!)
$PY manage.py db_worker --no-reload --no-startup-delay --interval 0.5 & pids+=($!)
$PY manage.py collect_bankid & pids+=($!)
$PY manage.py runserver --noreload 127.0.0.1:8000 & pids+=($!)
sleep 2
cat <<TXT

  Etjänst (demo) körs på http://127.0.0.1:8000
    Invånarwebben:   http://127.0.0.1:8000/
    Administration:  http://127.0.0.1:8000/admin/   användare: admin   lösenord: exempelby-demo
    Handläggning:    http://127.0.0.1:8000/handlaggning/   användare: handlaggare   lösenord: exempelby-demo
    Bygg e-tjänster: http://127.0.0.1:8000/handlaggning/e-tjanster/   användare: forvaltare   lösenord: exempelby-demo
      ("Ansökan om grävtillstånd" är ett utkast att prova byggaren på.)
      Engångskoden: kör  .venv/bin/python manage.py demo_code  (admin: demo_code admin; eller lägg in nyckeln
      GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ i en app för engångskoder).
    E-post hamnar i: var/mail/ (lokal e-postserver på port $EMAIL_PORT)
    BankID (simulerad app): http://127.0.0.1:$BANKID_APP_PORT/
      Logga in: välj "BankID på den här enheten", kopiera länken "Öppna BankID-appen"
      och klistra in den på appsidan (eller klistra in QR-kodens innehåll där).
    Folkbokföringen (simulerad Navet): https://127.0.0.1:8445 (ömsesidig TLS)
      "Ansökan om plats i fritidshem" hämtar namn, adress och barn därifrån.
      Olof Åberg (19760121-2397) har två barn; Elin Karlsson (19661125-2666)
      har skyddade personuppgifter.
    Två vårdnadshavare skriver under: "Ansökan om plats i förskola"
      Olof Åberg (19760121-2397) och Emma Berglund (19760127-2383) har gemensam vårdnad
      om Kerstin och Erik Åberg. Logga in som Olof, välj barn, skriv under och skicka.
      Logga sedan in som Emma (till exempel i ett privat fönster): Mina sidor, Att signera.
      Ensam vårdnad: 19720516-9266. Skyddat barn: 19570710-2801. Se docs/guardians.md.
    Freja eID+, Telia och utländsk e-legitimation (simulerade): välj dem på /logga-in/
      och välj en testperson på inloggningssidan ($SAML_SIMULATOR_URL/).
    Ärendehanteringssystem (referensmottagare för webhooks): http://127.0.0.1:$CASEMGMT_PORT/
      visar vad det har tagit emot och bekräftat (också i var/casemanagement/received.jsonl).
      Det är API-klienten "Referenssystemet (demo)" på http://127.0.0.1:8000/handlaggning/integrationer/
      (logga in som admin): leveranser, avstämning, skicka igen.
  Tryck Ctrl-C för att stänga allt.

TXT
wait -n "${pids[@]}"
