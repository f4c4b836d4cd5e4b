#!/usr/bin/python3
"""Generates phonebulk's operator and time-zone prefix tables.

Run at build time (src/phone/tables.cmake) with Debian's /usr/bin/python3,
the only interpreter that can import python3-phonenumbers. Reads:

  * phonenumbers.carrierdata: E.164 digit prefix -> {locale: operator name}.
    Only English ("en") names are kept, as libphonenumber's own English
    carrier files would give them.
  * phonenumbers.tzdata: E.164 digit prefix -> tuple of IANA zone names.
  * mobile-broadband-provider-info's serviceproviders.xml, for MCC/MNC.

Writes (all output sorted, so the same inputs give byte-identical files):

  operators.txt   one line per (operator name, MCC/MNC):
                  NAME<TAB>MCCMNC<TAB>PREFIX PREFIX ...
                  MCCMNC is empty when no single code is certain.
  time_zones.txt  one line per distinct list of zones:
                  ZONE&ZONE...<TAB>PREFIX PREFIX ...
  match_report.md (optional, --report) the per-country MCC/MNC match rate
                  table that docs/data-operators.md carries.

Lines starting with '#' are comments. The C++ parsers are in
src/phone/operators.cc and src/phone/time_zones.cc.

MCC/MNC matching never guesses: an operator gets a code only when its
normalised name equals the normalised name of one or more providers of the
same country in serviceproviders.xml and all the networks of those providers
have one and the same MCC+MNC. See docs/data-operators.md.
"""

import argparse
import collections
import functools
import os
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

try:
    import phonenumbers
    from phonenumbers.carrierdata import CARRIER_DATA
    from phonenumbers.tzdata import TIMEZONE_DATA
except ImportError as e:  # pragma: no cover - configure checks this too
    sys.exit("gen_prefix_tables.py: cannot import phonenumbers (%s); install "
             "the Debian package python3-phonenumbers and run this script "
             "with /usr/bin/python3" % e)

LOCALE = "en"

# Words dropped from the end of a name before comparing: legal forms and
# words that say "mobile network" in some language. They distinguish
# nothing between operators of one country ("Glo Mobile" is "Glo").
GENERIC_SUFFIXES = {
    "mobile", "mobil", "mobiles", "movil", "movel", "moveis", "moviles",
    "wireless", "cellular", "celular", "gsm", "ltd", "limited", "plc", "inc",
    "llc", "llp", "sa", "sas", "sasu", "ag", "gmbh", "bv", "nv", "as", "asa",
    "ab", "oy", "spa", "srl", "cjsc", "jsc", "ojsc", "pjsc", "co", "corp",
    "company",
}
# Dropped only in a second pass, when the first found no provider at all:
# "Bouygues Telecom" is "Bouygues", but an exact name always wins.
SECOND_PASS_SUFFIXES = {
    "telecom", "telekom", "telecommunications", "telecommunication",
    "communications", "communication", "networks", "network", "telco",
}

# The national name that operators put after their brand ("Vodafone UK").
EXTRA_COUNTRY_WORDS = {"gb": {"uk"}, "us": {"usa", "us"}}


def tokens(name):
    """Lower-case ASCII words of `name`, parenthesised parts removed."""
    name = re.sub(r"\([^)]*\)", " ", name)
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.lower().replace("&", " and ")
    return re.findall(r"[a-z0-9]+", name)


def name_key(name, region, country_words, second_pass):
    """The comparison key of `name`, or None when nothing distinctive is left.

    Words are joined without spaces so that "E-Plus" and "Eplus" or
    "T-Mobile" and "TMobile" compare equal.
    """
    words = tokens(name)
    drop = set(GENERIC_SUFFIXES) | {region}
    drop |= EXTRA_COUNTRY_WORDS.get(region, set())
    if second_pass:
        drop |= SECOND_PASS_SUFFIXES
    # Never drop the first word: "Mobile" alone or "3" stay themselves.
    while len(words) > 1:
        n = len(country_words)
        if n and len(words) > n and tuple(words[-n:]) == country_words:
            del words[-n:]  # "Orange France", "Lebara France Limited"
        elif words[-1] in drop:
            words.pop()
        else:
            break
    return "".join(words) or None


def load_providers(path):
    """{region: [(provider name, set of mcc+mnc)]} and {region: name words}."""
    root = ET.parse(path).getroot()
    providers = collections.defaultdict(list)
    country_words = {}
    for country in root.findall("country"):
        code = country.get("code", "").lower()
        country_words[code] = tuple(tokens(country.findtext("name") or ""))
        for provider in country.findall("provider"):
            name = provider.findtext("name")
            if not name:
                continue
            codes = {
                n.get("mcc", "") + n.get("mnc", "")
                for n in provider.iter("network-id")
            }
            providers[code].append((name, codes))
    return providers, country_words


def leading_digits_match(region, national):
    """True when `region` claims numbers starting with `national` by its
    leading-digits pattern (only regions sharing a calling code have one)."""
    pattern = phonenumbers.PhoneMetadata.metadata_for_region(
        region).leading_digits
    return bool(pattern) and re.match(pattern, national) is not None


@functools.lru_cache(maxsize=None)
def region_for_prefix(prefix):
    """ISO 3166 alpha-2 (lower case) of the country a carrier prefix is in.

    Calling codes shared by several regions (+1, +7, +44 ...) are resolved
    like libphonenumber does for whole numbers: first by the regions'
    leading-digits patterns (+1 758 is St Lucia), then by completing the
    prefix to full-length numbers and asking which region they are valid in.
    A prefix that still fits no region or several gets "" (no MCC/MNC), as
    do the non-geographic +8xx networks (region "001").
    """
    for cc_len in (1, 2, 3):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(
            int(prefix[:cc_len]))
        if regions:
            break
    else:
        return ""
    cc, national = int(prefix[:cc_len]), prefix[cc_len:]
    if len(regions) == 1:
        return regions[0].lower() if regions[0] != "001" else ""
    by_leading = {r for r in regions if leading_digits_match(r, national)}
    if len(by_leading) == 1:
        return by_leading.pop().lower()
    found = set()
    for length in range(max(len(national), 4), 14):
        for fill in "0123456789":
            digits = national + fill * (length - len(national))
            number = phonenumbers.PhoneNumber(country_code=cc,
                                              national_number=int(digits))
            if phonenumbers.is_valid_number(number):
                found.add(phonenumbers.region_code_for_number(number))
    return found.pop().lower() if len(found) == 1 else ""


def match_operator(name, region, providers, country_words):
    """(codes, found): the MCC/MNCs the name's providers use, or empty."""
    words = country_words.get(region, ())
    for second_pass in (False, True):
        key = name_key(name, region, words, second_pass)
        if key is None:
            continue
        codes = set()
        found = False
        for provider_name, provider_codes in providers.get(region, ()):
            if name_key(provider_name, region, words, second_pass) == key:
                found = True
                codes |= provider_codes
        if found:
            # A match in the exact pass is final even when its codes are
            # ambiguous: looser keys could only add a wrong provider.
            return codes, True
    return set(), False


def check_text(value, what, forbidden="\t\n\r"):
    """Exits unless `value` can be written as one field of a table line."""
    # A leading '#' would make the parsers read the line as a comment.
    if (not value or value.startswith("#") or
            any(c in value for c in forbidden) or value != value.strip()):
        sys.exit("gen_prefix_tables.py: unusable %s %r" % (what, value))
    # The embedding wraps the file in R"pbembed(...)pbembed" literals.
    if ")pbembed" in value:
        sys.exit("gen_prefix_tables.py: %s %r would break embedding" %
                 (what, value))


def build_operators(providers, country_words):
    """(lines, stats); stats[region] = [named, coded, found without a code]."""
    by_row = collections.defaultdict(list)
    # Matching is per (region, name): every prefix of one operator in one
    # country gets the same answer.
    decisions = {}
    for prefix in sorted(CARRIER_DATA):
        name = CARRIER_DATA[prefix].get(LOCALE)
        if not name:
            # Only a name in another language (two Hong Kong prefixes):
            # libphonenumber's English files lack them too.
            continue
        check_text(name, "operator name")
        region = region_for_prefix(prefix)
        if (region, name) not in decisions:
            codes, found = match_operator(name, region, providers,
                                          country_words)
            decisions[(region, name)] = (codes, found)
        codes, _ = decisions[(region, name)]
        mccmnc = next(iter(codes)) if len(codes) == 1 else ""
        by_row[(name, mccmnc)].append(prefix)

    stats = collections.defaultdict(lambda: [0, 0, 0])
    for (region, _), (codes, found) in decisions.items():
        row = stats[region or "-"]
        row[0] += 1
        if len(codes) == 1:
            row[1] += 1
        elif found:
            row[2] += 1  # several codes, or a provider without any
    lines = []
    for (name, mccmnc), prefixes in sorted(by_row.items()):
        lines.append("%s\t%s\t%s" %
                     (name, mccmnc, " ".join(sorted(prefixes))))
    return lines, stats


def build_time_zones():
    by_zones = collections.defaultdict(list)
    for prefix in sorted(TIMEZONE_DATA):
        zones = TIMEZONE_DATA[prefix]
        for zone in zones:
            check_text(zone, "time zone", forbidden="\t\n\r& ")
        by_zones["&".join(zones)].append(prefix)
    return ["%s\t%s" % (zones, " ".join(prefixes))
            for zones, prefixes in sorted(by_zones.items())]


def write(path, header, lines):
    text = "".join("# %s\n" % h for h in header) + "".join(
        line + "\n" for line in lines)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def report(stats, path):
    total = [0, 0, 0]
    rows = []
    for region in sorted(stats):
        named, coded, ambiguous = stats[region]
        total = [t + v for t, v in zip(total, stats[region])]
        label = region.upper() if region != "-" else "none"
        rows.append("| %s | %d | %d | %d | %.0f%% |" %
                    (label, named, coded, ambiguous,
                     100.0 * coded / named))
    head = [
        "| country | operators named | with one MCC/MNC | name found, "
        "no single code | match rate |",
        "|---|---:|---:|---:|---:|",
    ]
    foot = "| **all** | %d | %d | %d | %.1f%% |" % (
        total[0], total[1], total[2], 100.0 * total[1] / total[0])
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(head + rows + [foot]) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--providers", required=True,
                        help="path of serviceproviders.xml")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--report", help="write the match-rate table here")
    args = parser.parse_args()

    providers, country_words = load_providers(args.providers)
    op_lines, stats = build_operators(providers, country_words)
    tz_lines = build_time_zones()
    version = phonenumbers.__version__
    write(os.path.join(args.out_dir, "operators.txt"), [
        "phonebulk operator prefixes, generated by",
        "tools/gen_prefix_tables.py from python3-phonenumbers %s" % version,
        "carrierdata (locale %s) and" % LOCALE,
        "mobile-broadband-provider-info serviceproviders.xml.",
        "NAME<TAB>MCCMNC (empty: not certain)<TAB>E.164 prefixes",
    ], op_lines)
    write(os.path.join(args.out_dir, "time_zones.txt"), [
        "phonebulk time-zone prefixes, generated by",
        "tools/gen_prefix_tables.py from python3-phonenumbers %s tzdata." %
        version,
        "ZONE&ZONE...<TAB>E.164 prefixes",
    ], tz_lines)
    if args.report:
        report(stats, args.report)


if __name__ == "__main__":
    main()
