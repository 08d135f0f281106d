#!/usr/bin/env bash
# Verifies an itv evidence bundle with openssl and common command-line tools; nothing from itv. It needs bash
# (process substitution, base-8 arithmetic, arrays, [[ =~ ]]), OpenSSL 3.0 or later (`openssl pkey -ec_conv_form`,
# which OpenSSL 1.1.1 and LibreSSL lack: checked first), GNU coreutils (sha256sum, base64 -d, mktemp -d, cut, od -w,
# sort, tail, tr, wc), grep with -o, sed, cmp and diff, and tar for a bundle copied from the store as bundle.tar.
# Run it inside the bundle folder:
#   bash verify-bundle.sh --public-key PEM    (PEM: the ledger's public key, as you hold it apart from the bundle)
# It checks steps 1-4 of docs/EVIDENCE.md and the inclusion proofs of step 5: the key, the manifest's signature,
# each file's SHA-256, the checkpoint's signature, each entry's leaf hash folded up its audit path to the signed
# root. The rest of step 5 (each entry's intentId, ledger, leafIndex = seq and prevHash link, the statement's
# entries), step 6 (the decision signatures) and step 7 (the artifacts) are left to the recipes in EVIDENCE.md.
# It exits 0 only when every check passed under the pinned key; a failed check is named on a NOT VERIFIED line,
# and it exits 1. Without --public-key it can only check the bundle against the key the bundle carries, which a
# forger would ship with a bundle they signed: every check passing then still exits 2, saying so on a NOT VERIFIED line;
# so does pinning the very public-key.pem the bundle carries, which checks the bundle against itself.
set -uo pipefail
export LC_ALL=C
W=$(mktemp -d); trap 'rm -r "$W"' EXIT
FAILED=0
fail() { echo "NOT VERIFIED: $1"; FAILED=$((FAILED + 1)); }
die() { echo "NOT VERIFIED: $1"; exit 1; }
# OpenSSL 3.0 or later, asked first: an older one would refuse the keys as if they were none (step 1).
OPENSSL=$(openssl version 2>/dev/null) || die "openssl is not installed: this script needs OpenSSL 3.0 or later"
case "$OPENSSL" in
  'OpenSSL '[3-9].* | 'OpenSSL '[1-9][0-9].*) ;;
  *) die "this script needs OpenSSL 3.0 or later (openssl pkey -ec_conv_form); openssl version says: $OPENSSL" ;;
esac
PIN=
OWN=
case "$#:${1-}" in
  0:) ;;
  2:--public-key) PIN=$2 ;;
  *) die "usage: verify-bundle.sh --public-key PEM, run inside the bundle folder" ;;
esac
if [ -n "$PIN" ]; then
  [ -f "$PIN" ] || die "$PIN, the key to pin, is not a file"
  # PEM, or DER as `aws kms get-public-key --query PublicKey --output text | base64 -d` writes the KMS key's; its
  # point uncompressed, as the bundled key's below: a key given with a compressed point is the same key.
  U='-ec_conv_form uncompressed'
  { openssl pkey -pubin -in "$PIN" -outform DER $U || openssl pkey -pubin -inform DER -in "$PIN" -outform DER $U; } \
    > "$W/pinned.der" 2>/dev/null || die "$PIN is not a public key (PEM or DER)"
  # Pinning the very file the bundle carries checks the bundle against itself, as no key pinned does. It is told
  # apart as that file (or a link to it), not by its content: the ledger's key held apart is the same bytes.
  [ ! "$PIN" -ef public-key.pem ] || OWN=1
fi
# A bundle copied from the evidence bucket as stored (bundle.tar beside manifest.intoto.json and the pinned
# checkpoint.json): unpack the archive, check the pinned checkpoint is the archived one, and verify the files.
if [ -f bundle.tar ]; then
  [ -f manifest.intoto.json ] || die "manifest.intoto.json is missing beside bundle.tar"
  # As strict as itv's reader: whole 512-byte blocks, each header's size leads to the next, and after the first
  # all-zero block (the end of the archive) nothing but zeros; tar itself ignores what follows.
  # And each member a regular file under a flat name (A-Z a-z 0-9 . _ -, no '/'), held once: tar would extract a
  # second copy over the first, while `tar -xOf` shows the first.
  # Each header is read once, as od's hex (" xx" a byte); a field is its bytes with the NULs dropped, as
  # `tr -d '\0'` drops them, and the type and prefix without trailing newlines, as $(…) reads them.
  field() { # HEX [strip]: sets F to the bytes HEX spells
    local h=${1// 00/}
    if [ -n "${2-}" ]; then while [ "${h% 0a}" != "$h" ]; do h=${h% 0a}; done; fi
    printf -v F %b "${h// /\\x}"
  }
  LEN=$(wc -c < bundle.tar); OFF=0; END=; : > "$W/members"
  [ $((LEN % 512)) -eq 0 ] || die "bundle.tar's length $LEN is not whole 512-byte blocks"
  while [ "$OFF" -lt "$LEN" ]; do
    H=$(od -An -v -tx1 -w512 -j "$OFF" -N 512 bundle.tar)
    if [ -z "${H// 00/}" ]; then
      [ "$(tail -c +$((OFF + 1)) bundle.tar | tr -d '\0' | wc -c)" -eq 0 ] \
        || die "bundle.tar has bytes after its end-of-archive blocks (at offset $OFF)"
      END=$OFF; break
    fi
    field "${H:0:300}"; NAME=$F                 # bytes 0-99
    field "${H:468:3}" strip; TYPE=$F           # byte 156
    field "${H:1035:465}" strip; PREFIX=$F      # bytes 345-499
    [ -z "$TYPE" ] || [ "$TYPE" = 0 ] || die "bundle.tar's member $PREFIX${PREFIX:+/}$NAME is not a regular file (type $TYPE)"
    case "$PREFIX$NAME" in
      '' | . | .. | *[!A-Za-z0-9._-]*) die "bundle.tar's member $PREFIX${PREFIX:+/}$NAME is not a flat file name (A-Z a-z 0-9 . _ -)" ;;
      bundle.tar | manifest.intoto.json) die "bundle.tar holds $NAME, which a bundle archive never does" ;;
    esac
    [ -n "$PREFIX" ] && die "bundle.tar's member $PREFIX/$NAME is not a flat file name (A-Z a-z 0-9 . _ -)"
    grep -qxF -- "$NAME" "$W/members" && die "bundle.tar holds $NAME twice"
    echo "$NAME" >> "$W/members"
    SZ=; for b in ${H:372:36}; do case $b in 3[0-7]) SZ+=${b#3} ;; esac; done   # the octal digits of bytes 124-135
    OFF=$((OFF + 512 + (8#${SZ:-0} + 511) / 512 * 512))
  done
  [ -n "$END" ] || die "bundle.tar has no end-of-archive blocks"
  mkdir "$W/files" && tar -xf bundle.tar -C "$W/files" || die "bundle.tar is not a tar archive"
  # tar extracts exactly the members read above, each once, and nothing else.
  [ "$(tar -tf bundle.tar | sort)" = "$(sort "$W/members")" ] || die "tar lists other members than bundle.tar's headers"
  [ ! -f checkpoint.json ] || cmp -s checkpoint.json "$W/files/checkpoint.json" \
    || die "checkpoint.json is not the checkpoint bundle.tar holds"
  # Every other file beside the archive is read as the bundle's, as itv reads the folder: one the archive holds must
  # be the very bytes it holds; one it does not hold (a folder too) is checked against the statement below.
  for f in * .[!.]* ..?*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    case "$f" in bundle.tar | manifest.intoto.json) continue ;; esac
    if [ -e "$W/files/$f" ]; then
      cmp -s "./$f" "$W/files/$f" || die "$f is not the $f that bundle.tar holds"
    else
      cp -R "./$f" "$W/files/" || die "cannot read $f"
    fi
  done
  cp manifest.intoto.json "$W/files/" && cd "$W/files" || die "cannot unpack bundle.tar"
fi
for f in public-key.pem manifest.intoto.json checkpoint.json ledger-entries.jsonl; do
  [ -f "$f" ] || die "$f is missing: run this inside the bundle folder"
done

# 1. The key: its id, and with --public-key, that it is the very key pinned (compared as DER, whatever the PEM's layout).
openssl pkey -pubin -in public-key.pem -outform DER -ec_conv_form uncompressed > "$W/bundled.der" \
  || die "public-key.pem is not a public key"
openssl dgst -sha256 -r < "$W/bundled.der" | cut -c1-64
if [ -n "$PIN" ]; then
  cmp -s "$W/pinned.der" "$W/bundled.der" && echo "public-key.pem is the pinned key" \
    || die "public-key.pem is not the pinned key $PIN: the bundle is signed by another key"
fi

# 2. The manifest is one line of RFC 8785 JSON, a DSSE envelope: check its signature over PAE(type, payload).
dsse() { # FILE TYPE: writes $W/payload, checks the signature of the (only) envelope in FILE
  sed 's/.*"payload":"\([^"]*\)".*/\1/' "$1" | base64 -d > "$W/payload"
  sed 's/.*"sig":"\([^"]*\)".*/\1/' "$1" | base64 -d > "$W/sig"
  { printf 'DSSEv1 %d %s %d ' ${#2} "$2" "$(wc -c < "$W/payload")"; cat "$W/payload"; } > "$W/pae"
  openssl dgst -sha256 -verify public-key.pem -signature "$W/sig" "$W/pae"
}
dsse manifest.intoto.json application/vnd.in-toto+json || die "the manifest's signature does not verify"
cp "$W/payload" "$W/statement.json"
INTENT=$(grep -o '"intentId":"[^"]*"' "$W/statement.json" | head -n 1 | cut -d'"' -f4)
[ -n "$INTENT" ] || die "the signed statement names no intent"
echo "the signed statement is of intent $INTENT"

# 3. Every file against the SHA-256 the signed statement gives it, and no file beside them.
grep -o '{"digest":{"sha256":"[0-9a-f]*"},"name":"[^"]*"}' "$W/statement.json" \
  | sed 's/{"digest":{"sha256":"\([0-9a-f]*\)"},"name":"\([^"]*\)"}/\1  \2/' > "$W/SHA256SUMS"
sha256sum -c "$W/SHA256SUMS" || fail "a file does not have the SHA-256 the signed statement gives it"
diff <(cut -c67- "$W/SHA256SUMS") <(ls -A | grep -vx manifest.intoto.json) && echo "no file outside the statement" \
  || fail "the folder's files are not the statement's"

# 4. The checkpoint: a valid signature over exactly the checkpoint beside it, the one the statement names.
dsse checkpoint.json application/vnd.itv.checkpoint+json || fail "the checkpoint's signature does not verify"
sed 's/^{"checkpoint":\(.*\),"envelope":{.*/\1/' checkpoint.json | tr -d '\n' | cmp - "$W/payload" \
  && echo "the envelope signs this checkpoint" || fail "the envelope does not sign the checkpoint beside it"
ROOT=$(sed 's/.*"rootHash":"\([0-9a-f]*\)".*/\1/' "$W/payload")
SIZE=$(sed 's/.*"rootHash":"[0-9a-f]*","size":\([0-9]*\).*/\1/' "$W/payload")
grep -q "\"checkpoint\":{\"rootHash\":\"$ROOT\",\"size\":$SIZE}" "$W/statement.json" \
  && echo "the statement names checkpoint size $SIZE root $ROOT" || fail "the statement names another checkpoint"
# Which clock its instants are on: the signed checkpoint's "clock", first of its keys in RFC 8785 order.
CLOCK=$(grep -o '^{"clock":{[^}]*}' "$W/payload" | cut -c10-)
case "$CLOCK" in
  '') echo "the checkpoint does not state its clock (checkpoints of earlier versions do not)" ;;
  '{"kind":"wall"}') echo "the checkpoint's instants are on the wall clock" ;;
  *) echo "the checkpoint's instants are on a virtual clock, not real times: $CLOCK" ;;
esac

# 5. Every entry: its leaf hash, then its RFC 9162 audit path up to the checkpoint's root. The entries are folded up
# side by side, a level at a time: one openssl hashes that level's node of every entry (not one openssl a node).
# An entry's verdict is its first failed check; they are printed in the entries' order once all are folded.
LINE='^\{"entry":(.*),"hash":"([0-9a-f]{64})","proof":\{.*$'
N=0
while IFS= read -r line; do
  # As sed 's/^{"entry":\(.*\),"hash":…/\1/' cuts them: a part that does not match is the whole line.
  entry=$line; hash=$line; proof=$line; index=; size=
  [[ $line =~ $LINE ]] && entry=${BASH_REMATCH[1]}
  [[ $line =~ ^.*,\"hash\":\"([0-9a-f]{64})\",\"proof\":\{ ]] && hash=${BASH_REMATCH[1]}
  [[ $line =~ ^.*,\"proof\":(\{.*\})\}$ ]] && proof=${BASH_REMATCH[1]}
  index=$proof; [[ $proof =~ ^.*\"leafIndex\":([0-9]*) ]] && index=${BASH_REMATCH[1]}
  size=$proof; [[ $proof =~ ^.*\"treeSize\":([0-9]*) ]] && size=${BASH_REMATCH[1]}
  # The path: every run of 64 hex digits in the proof, left to right, as grep -o '[0-9a-f]\{64\}' finds them.
  path=; rest=$proof
  while [[ $rest =~ [0-9a-f]{64} ]]; do path+="${BASH_REMATCH[0]} "; rest=${rest#*"${BASH_REMATCH[0]}"}; done
  IDX[N]=$index; SZS[N]=$size; HASH[N]=$hash; PATHS[N]=$path; BAD[N]=
  { printf '\0'; printf %s "$entry"; } > "$W/node.$N"
  N=$((N + 1))
done < ledger-entries.jsonl
# hash_nodes I…: R[I] becomes the SHA-256 of $W/node.I, for each I given, in one openssl (named by its file).
hash_nodes() {
  local i d names=()
  [ $# -gt 0 ] || return 0
  for i; do R[i]=; names+=("node.$i"); done
  while read -r d; do R[${d##* \*node.}]=${d:0:64}; done < <(cd "$W" && openssl dgst -sha256 -r "${names[@]}")
}
LEVEL=(); for ((i = 0; i < N; i++)); do LEVEL+=("$i"); done
hash_nodes "${LEVEL[@]}"
# The sizes and indexes are read as numbers only once the entry hashes to its line's hash, as one entry at a time.
for ((i = 0; i < N; i++)); do
  if [ "${R[i]}" = "${HASH[i]}" ]; then
    size=${SZS[i]}; FN[i]=${IDX[i]}; SN[i]=$((size - 1))
  else
    BAD[i]="seq ${IDX[i]}: the entry does not hash to ${HASH[i]}"
  fi
done
# unhex HEX: the bytes the hex digits spell
unhex() { local h=$1 e= j; for ((j = 0; j < ${#h}; j += 2)); do e+="\\x${h:j:2}"; done; printf %b "$e"; }
while :; do
  LEVEL=()
  for ((i = 0; i < N; i++)); do
    [ -z "${BAD[i]}" ] && [ -n "${PATHS[i]}" ] || continue
    p=${PATHS[i]%% *}; PATHS[i]=${PATHS[i]#* }
    fn=${FN[i]}; sn=${SN[i]}; r=${R[i]}
    if [ "$sn" -eq 0 ]; then BAD[i]="seq ${IDX[i]}: the path is too long"; continue; fi
    if [ $((fn % 2)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
      { printf '\1'; unhex "$p"; unhex "$r"; } > "$W/node.$i"
      while [ $((fn % 2)) -eq 0 ] && [ "$fn" -ne 0 ]; do fn=$((fn / 2)); sn=$((sn / 2)); done
    else
      { printf '\1'; unhex "$r"; unhex "$p"; } > "$W/node.$i"
    fi
    FN[i]=$((fn / 2)); SN[i]=$((sn / 2)); LEVEL+=("$i")
  done
  [ "${#LEVEL[@]}" -gt 0 ] || break
  hash_nodes "${LEVEL[@]}"
done
for ((i = 0; i < N; i++)); do
  [ -z "${BAD[i]}" ] || die "${BAD[i]}"
  if [ "${SN[i]}" -eq 0 ] && [ "${R[i]}" = "$ROOT" ] && [ "${SZS[i]}" = "$SIZE" ]; then
    echo "seq ${IDX[i]}: included in the tree of ${SZS[i]}"
  else
    die "seq ${IDX[i]}: not included in the tree of $SIZE"
  fi
done
[ "$FAILED" -eq 0 ] || die "$FAILED check(s) failed"
if [ -n "$OWN" ]; then
  echo "NOT VERIFIED: the pinned key is the public-key.pem the bundle carries: pinning it proves no more than pinning" \
    "none; every check passed under it, so the bundle only agrees with itself; pin the key you hold apart from the bundle"
  exit 2
fi
if [ -z "$PIN" ]; then
  echo "NOT VERIFIED: no key was pinned (--public-key PEM): every check passed under the key the bundle carries," \
    "so the bundle only agrees with itself"
  exit 2
fi
echo "the bundle of intent $INTENT verifies: every check passed, under the pinned key"
