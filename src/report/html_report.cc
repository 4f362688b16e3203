#include "report/html_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string Esc(const std::string& s) { return HtmlEscape(s); }

// A fixed palette: kinds and stages get colours in order of appearance.
const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
const char* Colour(size_t i) { return kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))]; }

std::string Card(const std::string& label, const std::string& value, const std::string& note, const char* cls = "") {
  return fmt::format("<div class=\"card {}\"><div class=\"label\">{}</div><div class=\"value\">{}</div>"
                     "<div class=\"note\">{}</div></div>\n",
                     cls, Esc(label), Esc(value), Esc(note));
}

// 10^e with an SI prefix and no decimals: (13, "FLOP/s") -> "10 TFLOP/s".
std::string PowerOfTen(double e, const char* unit) {
  static const char* const kPrefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  const int n = static_cast<int>(e);
  if (n < 0 || n >= 21) return fmt::format("1e{} {}", n, unit);
  return fmt::format("{} {}{}", n % 3 == 0 ? "1" : n % 3 == 1 ? "10" : "100", kPrefixes[n / 3], unit);
}

// Time by kind: one 100% bar per stage, a segment per kind.
std::string KindBars(const HtmlReport& r) {
  std::vector<std::string> kinds;
  for (const HtmlStage& st : r.stages) {
    for (const auto& [k, t] : st.time_by_kind_s) {
      if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
    }
  }
  const double left = 90, width = 720, bar = 28, gap = 14;
  const double height = 30 + r.stages.size() * (bar + gap) + 20;
  std::string svg = fmt::format(
      "<svg id=\"kinds\" class=\"chart\" viewBox=\"0 0 900 {:.0f}\" role=\"img\" aria-label=\"time by kind\">\n", height);
  double y = 10;
  for (const HtmlStage& st : r.stages) {
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\" class=\"axis\">{}</text>\n", left - 8,
                       y + bar / 2 + 4, Esc(st.name));
    double x = left;
    for (const auto& [k, t] : st.time_by_kind_s) {
      const double w = st.time_s > 0 ? width * t / st.time_s : 0;
      const size_t ci = std::find(kinds.begin(), kinds.end(), k) - kinds.begin();
      svg += fmt::format(
          "<rect class=\"seg\" x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.0f}\" fill=\"{}\"><title>{} {}: {} "
          "({:.1f}%)</title></rect>\n",
          x, y, w, bar, Colour(ci), Esc(st.name), Esc(k), HumanTime(t), st.time_s > 0 ? 100 * t / st.time_s : 0.0);
      x += w;
    }
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\" class=\"axis\">{}</text>\n", left + width + 6,
                       y + bar / 2 + 4, HumanTime(st.time_s));
    y += bar + gap;
  }
  double lx = left;
  for (size_t i = 0; i < kinds.size(); ++i) {
    svg += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                       "<text x=\"{:.0f}\" y=\"{:.0f}\" class=\"axis\">{}</text>\n",
                       lx, y, Colour(i), lx + 14, y + 9, Esc(kinds[i]));
    lx += 24 + 7.5 * kinds[i].size();
  }
  return svg + "</svg>\n";
}

// Log-log roofline: x FLOP per byte, y attained FLOP/s (FLOPs / time), a
// ceiling min(peak, bandwidth x intensity) per distinct peak, a point per
// operation and stage.
std::string RooflineChart(const HtmlReport& r, int* plotted) {
  const double bw = r.device.dram_bandwidth_bytes_per_s;
  std::map<std::string, hardware::Peak> ceilings;  // "tensor fp16" -> peak
  double top = 0;
  for (const auto& [kind, p] : r.peaks_by_kind) {
    ceilings[p.unit + " " + p.precision] = p;
    top = std::max(top, p.flops_per_s);
  }
  double xmin = 0.1, xmax = 1000, ymin = top / 1e4;
  for (const HtmlStage& st : r.stages) {
    for (const OpRow& o : st.rows) {
      const double x = o.Intensity();
      if (o.metrics[db::kFlops] <= 0 || !std::isfinite(x) || o.time_s <= 0) continue;
      xmin = std::min(xmin, x);
      xmax = std::max(xmax, x);
      ymin = std::min(ymin, o.metrics[db::kFlops] / o.time_s);
    }
  }
  const double lx0 = std::floor(std::log10(xmin)), lx1 = std::ceil(std::log10(xmax));
  const double ly0 = std::floor(std::log10(ymin)), ly1 = std::ceil(std::log10(top * 1.5));
  const double L = 100, R = 870, T = 20, B = 420;
  auto px = [&](double x) { return L + (std::log10(x) - lx0) / (lx1 - lx0) * (R - L); };
  auto py = [&](double y) { return B - (std::log10(y) - ly0) / (ly1 - ly0) * (B - T); };

  std::string svg = "<svg id=\"roofline\" class=\"chart\" viewBox=\"0 0 900 470\" role=\"img\" aria-label=\"roofline\">\n";
  for (double e = lx0; e <= lx1; ++e) {
    svg += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
                       "<text class=\"axis\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">1e{4:.0f}</text>\n",
                       px(std::pow(10, e)), T, B, B + 16, e);
  }
  for (double e = ly0; e <= ly1; ++e) {
    svg += fmt::format("<line class=\"grid\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\"/>"
                       "<text class=\"axis\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                       L, py(std::pow(10, e)), R, L - 6, py(std::pow(10, e)) + 4, PowerOfTen(e, "FLOP/s"));
  }
  svg += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">arithmetic intensity (FLOP/byte)</text>\n",
                     (L + R) / 2, B + 36);
  size_t ci = 0;
  for (const auto& [name, p] : ceilings) {
    const double knee = p.flops_per_s / bw;
    const double x0 = std::pow(10, lx0), x1 = std::pow(10, lx1);
    const double y0 = bw * x0;
    std::string path = fmt::format("M{:.1f},{:.1f} ", px(x0), py(std::max(y0, std::pow(10, ly0))));
    if (y0 < std::pow(10, ly0)) path = fmt::format("M{:.1f},{:.1f} ", px(std::pow(10, ly0) / bw), py(std::pow(10, ly0)));
    path += knee < x1 ? fmt::format("L{:.1f},{:.1f} L{:.1f},{:.1f}", px(knee), py(p.flops_per_s), px(x1), py(p.flops_per_s))
                      : fmt::format("L{:.1f},{:.1f}", px(x1), py(bw * x1));
    svg += fmt::format("<path class=\"ceiling\" d=\"{}\" stroke=\"{}\"><title>{}: {}/s, knee at {:.1f} FLOP/B</title></path>\n",
                       path, ci == 0 ? "#333" : "#888", Esc(name), Human(p.flops_per_s, "FLOP"), knee);
    svg += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{} {}/s</text>\n", R - 4,
                       py(p.flops_per_s) - 5, Esc(name), Human(p.flops_per_s, "FLOP"));
    ++ci;
  }
  *plotted = 0;
  for (size_t si = 0; si < r.stages.size(); ++si) {
    for (const OpRow& o : r.stages[si].rows) {
      const double x = o.Intensity();
      if (o.metrics[db::kFlops] <= 0 || !std::isfinite(x) || o.time_s <= 0) continue;
      const double y = o.metrics[db::kFlops] / o.time_s;
      svg += fmt::format("<circle class=\"op\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"><title>{} {}: {:.1f} FLOP/B, "
                         "{}/s, {} ({})</title></circle>\n",
                         px(x), py(y), Colour(si + 3), Esc(r.stages[si].name), Esc(o.name), x, Human(y, "FLOP"),
                         HumanTime(o.time_s), Esc(o.bound));
      ++*plotted;
    }
  }
  double lx = L + 10;
  for (size_t si = 0; si < r.stages.size(); ++si) {
    svg += fmt::format("<circle cx=\"{:.0f}\" cy=\"{}\" r=\"4\" fill=\"{}\"/><text class=\"axis\" x=\"{:.0f}\" y=\"{}\">{}</text>\n",
                       lx, T + 6, Colour(si + 3), lx + 8, T + 10, Esc(r.stages[si].name));
    lx += 90;
  }
  return svg + "</svg>\n";
}

// Weights, KV cache and activations against the device's capacity.
std::string MemoryBar(const HtmlReport& r) {
  const analysis::Footprint& f = r.memory.footprint;
  const double cap = static_cast<double>(r.device.dram_bytes);
  const double scale = std::max(cap, static_cast<double>(f.total_bytes));
  const double L = 20, W = 860;
  std::string svg = "<svg id=\"memory\" class=\"chart\" viewBox=\"0 0 900 90\" role=\"img\" aria-label=\"memory\">\n";
  const std::pair<const char*, int64_t> parts[] = {
      {"weights", f.weight_bytes}, {"KV cache", f.kv_cache_bytes}, {"activations", f.activation_bytes}};
  double x = L;
  size_t i = 0;
  for (const auto& [name, bytes] : parts) {
    const double w = W * static_cast<double>(bytes) / scale;
    svg += fmt::format("<rect class=\"seg\" x=\"{:.2f}\" y=\"20\" width=\"{:.2f}\" height=\"30\" fill=\"{}\">"
                       "<title>{}: {}</title></rect>\n",
                       x, w, Colour(i), name, Human(static_cast<double>(bytes), "B"));
    svg += fmt::format("<rect x=\"{:.0f}\" y=\"62\" width=\"10\" height=\"10\" fill=\"{}\"/><text class=\"axis\" "
                       "x=\"{:.0f}\" y=\"71\">{} {}</text>\n",
                       L + 200 * i, Colour(i), L + 200 * i + 14, name, Human(static_cast<double>(bytes), "B"));
    x += w;
    ++i;
  }
  const double cx = L + W * cap / scale;
  svg += fmt::format("<line class=\"capacity\" x1=\"{0:.1f}\" y1=\"12\" x2=\"{0:.1f}\" y2=\"58\"/>"
                     "<text class=\"axis\" x=\"{0:.1f}\" y=\"10\" text-anchor=\"end\">capacity {1}</text>\n",
                     cx, Human(cap, "B"));
  return svg + "</svg>\n";
}

std::string OpTable(const HtmlStage& st, size_t index) {
  std::string out = fmt::format(
      "<table class=\"ops sortable\" id=\"ops-{}\"><thead><tr><th data-type=\"text\">operation</th>"
      "<th data-type=\"text\">kind</th><th data-type=\"num\">count</th><th data-type=\"num\">FLOPs</th>"
      "<th data-type=\"num\">bytes</th><th data-type=\"num\">FLOP/B</th><th data-type=\"num\">time</th>"
      "<th data-type=\"num\">share</th><th data-type=\"text\">bound</th></tr></thead><tbody>\n",
      index);
  for (const OpRow& o : st.rows) {
    const double x = o.Intensity();
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td>"
        "<td data-v=\"{}\">{}</td><td data-v=\"{:.9g}\">{}</td><td data-v=\"{:.6f}\">{:.1f}%</td>"
        "<td class=\"{}\">{}</td></tr>\n",
        Esc(o.name), Esc(o.kind), o.count, o.count, o.metrics[db::kFlops],
        Human(static_cast<double>(o.metrics[db::kFlops]), "FLOP"), o.Bytes(), Human(static_cast<double>(o.Bytes()), "B"),
        std::isfinite(x) ? fmt::format("{:.6g}", x) : "1e308", std::isfinite(x) ? fmt::format("{:.1f}", x) : "inf",
        o.time_s, HumanTime(o.time_s), st.time_s > 0 ? o.time_s / st.time_s : 0.0,
        st.time_s > 0 ? 100 * o.time_s / st.time_s : 0.0, Esc(o.bound), Esc(o.bound));
  }
  return out + "</tbody></table>\n";
}

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 14px;min-width:150px}
.card .label{font-size:12px;color:#666;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:22px;font-weight:600;margin:4px 0}
.card .note{font-size:12px;color:#666}
.card.bad .value{color:#c0392b}.card.good .value{color:#27864a}
.chart{width:100%;max-width:900px;background:#fff;border:1px solid #ddd;border-radius:8px}
.axis{font-size:11px;fill:#444}.grid{stroke:#eee}.ceiling{fill:none;stroke-width:2}
.capacity{stroke:#c0392b;stroke-width:2;stroke-dasharray:4 3}
circle.op{fill-opacity:.75;stroke:#fff;stroke-width:.5}
table.ops{border-collapse:collapse;background:#fff;font-size:12px;margin-bottom:8px}
table.ops th,table.ops td{border:1px solid #e2e2e2;padding:3px 8px;text-align:right}
table.ops td:first-child,table.ops th:first-child,table.ops td:nth-child(2){text-align:left}
table.ops th{background:#f0f0f0;cursor:pointer;user-select:none}
table.ops th.asc::after{content:" \25B2"}table.ops th.desc::after{content:" \25BC"}
td.compute{color:#b9770e}td.memory{color:#1f7a8c}
footer{margin-top:24px;font-size:12px;color:#777}
)";

constexpr const char* kScript = R"(
(function(){
  window.addEventListener('error',function(e){document.body.setAttribute('data-error',String(e.message));});
  function key(td,type){return type==='num'?parseFloat(td.getAttribute('data-v')||td.textContent):td.textContent;}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,col){
      th.addEventListener('click',function(){
        var type=th.getAttribute('data-type'),asc=!th.classList.contains('asc');
        table.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc');});
        th.classList.add(asc?'asc':'desc');
        var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=key(a.cells[col],type),y=key(b.cells[col],type);
          if(x===y)return 0;return (x<y?-1:1)*(asc?1:-1);});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.body.setAttribute('data-points',String(document.querySelectorAll('#roofline circle.op').length));
  document.body.setAttribute('data-ready','1');
})();
)";

}  // namespace

HtmlReport HtmlFromAnalysis(const analysis::Plan& plan, const analysis::Analysis& a,
                            const hardware::RooflineAnalysis& roofline, const hardware::MemoryFit& memory) {
  HtmlReport r;
  r.model_id = a.model_id;
  r.parameters = a.parameters;
  const analysis::Scenario& s = a.scenario;
  r.scenario = fmt::format("batch {}, prompt {}, W{}A{}KV{}{}, profile {}", s.batch_size, s.prompt_len, s.w_bits,
                           s.a_bits, s.kv_bits, s.w_group_size > 0 ? fmt::format(" g{}", s.w_group_size) : "",
                           s.profile);
  r.device = roofline.device;
  r.peaks_by_kind = roofline.peaks_by_kind;
  r.memory = memory;
  r.ttft_s = r.tpot_s = -1;
  for (size_t i = 0; i < a.stages.size(); ++i) {
    const analysis::StageResult& st = a.stages[i];
    const hardware::RooflineStage& rs = roofline.stages[i];
    HtmlStage h{analysis::StageName(st.inputs.stage),
                fmt::format("seq_len {}, kv_len {}", st.inputs.seq_len, st.inputs.kv_len),
                StageRows(plan, st, &rs, GroupBy::kOp), rs.time_s, rs.time_by_kind_s};
    if (st.inputs.stage == analysis::Stage::kPrefill) {
      r.ttft_s = rs.time_s;
      r.ttft_note = "the prefill of " + h.detail;
    } else {
      r.tpot_s = rs.time_s;
      r.tpot_note = "one decode step at kv_len " + std::to_string(st.inputs.kv_len);
    }
    r.stages.push_back(std::move(h));
  }
  return r;
}

HtmlReport HtmlFromGenerate(const analysis::Plan& plan, const analysis::Analysis& steps,
                            const hardware::RooflineAnalysis& roofline, const request::GenerateResult& g,
                            const hardware::MemoryFit& memory, int64_t gen_len) {
  HtmlReport r = HtmlFromAnalysis(plan, steps, roofline, memory);
  r.scenario += fmt::format(", generate {}", gen_len);
  r.ttft_s = g.ttft_s;
  r.ttft_note = "the prefill";
  r.tpot_s = g.decode_steps > 0 ? g.tpot_s : -1;
  r.tpot_note = g.decode_steps > 0 ? fmt::format("mean over {} steps; e2e {}, {:.1f} tokens/s", g.decode_steps,
                                                 HumanTime(g.e2e_s), g.tokens_per_s)
                                   : "one token: no decode step";
  for (HtmlStage& st : r.stages) {
    if (st.name == "decode") st.detail = "the last step, " + st.detail;
  }
  return r;
}

std::string RenderHtml(const HtmlReport& r) {
  int plotted = 0;
  const std::string roofline = RooflineChart(r, &plotted);
  const analysis::Footprint& f = r.memory.footprint;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>lmp: {} on {}</title>\n<style>{}</style>\n</head>\n<body data-ready=\"0\">\n",
                     Esc(r.model_id), Esc(r.device.name), kStyle);
  out += fmt::format("<h1>{}</h1>\n<p class=\"sub\">{} on {}</p>\n", Esc(r.model_id), Esc(r.scenario),
                     Esc(r.device.name));
  out += "<div class=\"cards\">\n";
  const double params = static_cast<double>(r.parameters);
  out += Card("model", params >= 1e9 ? fmt::format("{:.2f} B", params / 1e9) : fmt::format("{:.0f} M", params / 1e6),
              Grouped(r.parameters) + " parameters");
  out += Card("device", r.device.name,
              Human(r.device.dram_bandwidth_bytes_per_s, "B") + "/s, " + Human(static_cast<double>(r.device.dram_bytes), "B"));
  out += Card("TTFT", r.ttft_s >= 0 ? HumanTime(r.ttft_s) : "-", r.ttft_note);
  out += Card("TPOT", r.tpot_s >= 0 ? HumanTime(r.tpot_s) : "-", r.tpot_note);
  out += Card("footprint", Human(static_cast<double>(f.total_bytes), "B"),
              fmt::format("{:.1f}% of {}; {}", 100.0 * f.total_bytes / std::max<double>(1, r.device.dram_bytes),
                          Human(static_cast<double>(r.device.dram_bytes), "B"),
                          r.memory.status.fits ? "fits" : "does not fit"),
              r.memory.status.fits ? "good" : "bad");
  out += "</div>\n";
  out += "<h2>Time by operation kind</h2>\n" + KindBars(r);
  out += fmt::format("<h2>Roofline</h2>\n<p class=\"sub\">{} operations plotted; operations without FLOPs are not.</p>\n",
                     plotted);
  out += roofline;
  out += fmt::format("<h2>Memory footprint</h2>\n<p class=\"sub\">at context {} tokens per sequence; peak activations in {}</p>\n",
                     f.context_len, Esc(f.activation_op));
  out += MemoryBar(r);
  out += "<h2>Operations</h2>\n<p class=\"sub\">Figures are totals over repeated layers. Click a column to sort.</p>\n";
  for (size_t i = 0; i < r.stages.size(); ++i) {
    out += fmt::format("<h3>{} ({}): {}</h3>\n", Esc(r.stages[i].name), Esc(r.stages[i].detail),
                       HumanTime(r.stages[i].time_s));
    out += OpTable(r.stages[i], i);
  }
  out += "<footer>Generated by lmp (LM-Predictor). Roofline times: max(FLOPs / peak, bytes / DRAM bandwidth) per "
         "operation.</footer>\n";
  out += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return out;
}

}  // namespace lmp::report
