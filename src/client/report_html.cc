// `phonebulk submit --report FILE.html`: the figures of report.h as one
// self-contained page. No script and nothing fetched (the page's own
// Content-Security-Policy forbids it): charts are inline SVG bars, styles
// one <style> element, so the file opens the same offline, attached to an
// e-mail or years later.
#include <algorithm>
#include <cstdio>

#include "client/report.h"
#include "common/strings.h"
#include "common/version.h"

namespace phonebulk::client {
namespace {

// Text for HTML content and attribute values: the five special characters
// escaped, and anything that is not UTF-8 (file names can be anything)
// cleaned and cut by SafeText.
std::string Html(std::string_view text, size_t max_bytes = 200) {
  std::string out;
  for (char c : SafeText(text, max_bytes)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(int64_t n) {
  // 1234567 -> "1,234,567": the page is read by people.
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

// A figure: the number as people read it, marked with its JSON path (the
// data-value holds it as plain digits, which the browser test compares).
std::string Figure(std::string_view path, int64_t n) {
  return "<span class=\"n\" data-figure=\"" + Html(path) + "\" data-value=\"" +
         std::to_string(n) + "\">" + Num(n) + "</span>";
}

std::string Tile(std::string_view path, int64_t n, std::string_view label,
                 std::string_view note = {}) {
  std::string s = "<div class=\"tile\">" + Figure(path, n) +
                  "<span class=\"label\">" + Html(label) + "</span>";
  if (!note.empty()) s += "<span class=\"note\">" + Html(note) + "</span>";
  return s + "</div>\n";
}

struct Bar {
  std::string label;
  std::string path;  // the figure's JSON path
  int64_t rows;
};

// Horizontal bars, one per item, scaled to the largest; each count is a
// figure. `total` gives each bar its share in words.
std::string BarChart(std::string_view title, const std::vector<Bar>& bars,
                     int64_t total) {
  std::string s = "<section>\n<h2>" + Html(title) + "</h2>\n";
  if (bars.empty()) return s + "<p class=\"none\">None.</p>\n</section>\n";
  int64_t max = 1;
  for (const Bar& b : bars) max = std::max(max, b.rows);
  s += "<table class=\"bars\">\n";
  for (const Bar& b : bars) {
    const double width = 100.0 * static_cast<double>(b.rows) / max;
    char w[32];
    std::snprintf(w, sizeof(w), "%.2f", width);
    s += "<tr><th scope=\"row\">" + Html(b.label.empty() ? "(none)" : b.label) +
         "</th><td class=\"bar\"><svg viewBox=\"0 0 100 10\" "
         "preserveAspectRatio=\"none\" role=\"img\" aria-label=\"" +
         Html(b.label) + ": " + Num(b.rows) + "\"><rect width=\"" + w +
         "\" height=\"10\"/></svg></td><td>" + Figure(b.path, b.rows) +
         "</td><td class=\"share\">" + Percent(b.rows, total) + "</td></tr>\n";
  }
  return s + "</table>\n</section>\n";
}

std::vector<Bar> Bars(std::string_view section,
                      const std::vector<ReportCount>& counts, size_t from = 0,
                      size_t to = SIZE_MAX) {
  std::vector<Bar> bars;
  for (size_t i = from; i < counts.size() && i < to; ++i) {
    const ReportCount& c = counts[i];
    std::string label = c.name;
    if (c.name != c.key) label += " (" + c.key + ")";
    bars.push_back({label, std::string(section) + "." + c.key, c.rows});
  }
  return bars;
}

int64_t Sum(const std::vector<ReportCount>& counts) {
  int64_t n = 0;
  for (const ReportCount& c : counts) n += c.rows;
  return n;
}

int64_t At(const std::map<std::string, int64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

constexpr char kStyle[] = R"CSS(
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --bar: #2f6fdb;
        --line: #dfe3ea; --tile: #f4f6fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.files { color: var(--muted); margin: 0 0 1.25rem; overflow-wrap: anywhere; }
.tiles { display: grid; gap: .75rem;
         grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); }
.tile { background: var(--tile); border-radius: .5rem; padding: .75rem .9rem; }
.tile .n { display: block; font-size: 1.5rem; font-weight: 650; }
.tile .label { display: block; }
.tile .note { display: block; color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line);
         vertical-align: middle; }
th { font-weight: 500; overflow-wrap: anywhere; }
table.bars th { width: 35%; }
td.bar { width: 45%; }
td.bar svg { display: block; width: 100%; height: .9rem; }
td.bar rect { fill: var(--bar); }
td.share { color: var(--muted); white-space: nowrap; }
.none { color: var(--muted); }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 36rem) { table.bars th { width: 45%; } td.share { display: none; } }
)CSS";

// How many countries get a bar; the rest are listed in a table below.
constexpr size_t kCountryBars = 15;

}  // namespace

std::string ReportHtml(const ReportFigures& f, const std::string& input,
                       const std::string& output) {
  const int64_t valid = At(f.valid, "yes");
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // Nothing may be fetched: the page is whole as it is.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>Phone list report: " +
      Html(input) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n";
  s += "<main>\n<h1>Phone list report</h1>\n<p class=\"files\">" + Html(input) +
       " &rarr; " + Html(output) + "</p>\n<div class=\"tiles\">\n";
  s += Tile("rows", f.rows, "rows");
  s += Tile("valid.yes", valid, "valid", Percent(valid, f.rows) + " of rows");
  s += Tile("valid.no", At(f.valid, "no"), "not valid",
            Percent(At(f.valid, "no"), f.rows) + " of rows");
  s += Tile("valid.empty", At(f.valid, "empty"), "empty");
  s += Tile("sent", f.sent, "numbers sent");
  s += Tile("duplicates", f.duplicates, "duplicate rows", "answer copied");
  s += Tile("credits_charged", f.credits_charged, "credits charged");
  s += Tile("credits_saved", f.credits_saved, "credits saved",
            "by not sending duplicates");
  s += "</div>\n";

  std::vector<Bar> valid_bars;
  for (const auto& [word, label] :
       std::vector<std::pair<std::string, std::string>>{
           {"yes", "valid"}, {"no", "not valid"}, {"empty", "empty"}}) {
    valid_bars.push_back({label, "valid." + word, At(f.valid, word)});
  }
  if (f.valid.count("unknown") > 0) {
    valid_bars.push_back(
        {"not answered", "valid.unknown", At(f.valid, "unknown")});
  }
  s += BarChart("Valid or not", valid_bars, f.rows);
  s += BarChart("Line types of the valid numbers",
                Bars("line_types", f.line_types), valid);
  s += BarChart("Countries of the valid numbers",
                Bars("countries", f.countries, 0, kCountryBars), valid);
  if (f.countries.size() > kCountryBars) {
    s += "<section>\n<h2>The other " + Num(f.countries.size() - kCountryBars) +
         " countries</h2>\n<table>\n";
    for (const Bar& b : Bars("countries", f.countries, kCountryBars)) {
      s += "<tr><th scope=\"row\">" + Html(b.label) + "</th><td>" +
           Figure(b.path, b.rows) + "</td></tr>\n";
    }
    s += "</table>\n</section>\n";
  }
  s += BarChart("Why numbers are not valid", Bars("reasons", f.reasons),
                Sum(f.reasons));
  s += BarChart("Confidence", Bars("confidence", f.confidence), f.rows);
  std::vector<Bar> not_sent;
  for (const auto& [why, label] :
       std::vector<std::pair<std::string, std::string>>{
           {"empty", "empty number cell"},
           {"bad_row", "cell not UTF-8, or number too long"},
           {"bad_country", "country cell names no country"}}) {
    not_sent.push_back({label, "not_sent." + why, At(f.not_sent, why)});
  }
  s += BarChart("Rows not sent", not_sent, f.rows);
  char took[64];
  std::snprintf(took, sizeof(took), "%.1f", f.seconds);
  s += "<footer>Written by phonebulk " + Html(Version()) + " (libphonenumber " +
       Html(LibphonenumberVersion()) + ") in " + took +
       " s. Countries and validity are libphonenumber's.</footer>\n</main>\n"
       "</body>\n</html>\n";
  return s;
}

}  // namespace phonebulk::client
