// The HTML report in a real browser: Debian's chromium, headless, renders report.html; the DOM it
// builds is checked for the go/no-go banner and the counts, and a screenshot must come out.
// Skips (GTEST_SKIP) when chromium is not installed.
#include "reports/render.h"
#include "reports/test_reports.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace pggate;

namespace {

std::string find_chromium() {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    for (const char* name : {"chromium", "chromium-browser"}) {
        size_t start = 0;
        while (start <= p.size()) {
            size_t colon = p.find(':', start);
            std::string dir = p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
            if (colon == std::string::npos) break;
            start = colon + 1;
        }
    }
    return "";
}

struct Output {
    int status = -1;
    std::string out;
};

Output run(const std::string& cmd) {
    Output o;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return o;
    std::array<char, 65536> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) o.out.append(buf.data(), n);
    o.status = ::pclose(pipe);
    return o;
}

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

size_t count_of(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

class ReportBrowser : public ::testing::Test {
protected:
    void SetUp() override {
        chromium_ = find_chromium();
        if (chromium_.empty())
            GTEST_SKIP() << "chromium is not installed (apt-get install chromium): the HTML report is not checked in a "
                            "browser";
        dir_ = fs::temp_directory_path() / ("pggate-browser-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "profile");
        std::ofstream(dir_ / "report.html") << render_report(report_to_json(test::full_report()), "html");
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }
    std::string chromium(const std::string& args) {
        return "timeout 30 " + quote(chromium_) +
               " --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
               " --disable-sync --no-first-run --disable-dev-shm-usage --user-data-dir=" +
               quote((dir_ / "profile").string()) + " " + args + " " + quote("file://" + (dir_ / "report.html").string()) +
               " 2>/dev/null";
    }
    std::string chromium_;
    fs::path dir_;
};

}  // namespace

TEST_F(ReportBrowser, DomShowsVerdictGatesAndCounts) {
    Output dom = run(chromium("--dump-dom"));
    ASSERT_EQ(dom.status, 0) << dom.out;
    const std::string& d = dom.out;
    ASSERT_NE(d.find("<body>"), std::string::npos) << d.substr(0, 2000);
    // The banner: NO-GO for a failing run.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(d, m, std::regex(R"(<header id="verdict" class="nogo" data-status="fail"><span class="word">([^<]*)</span>)")))
        << d.substr(0, 3000);
    EXPECT_EQ(m[1].str(), "NO-GO");
    EXPECT_NE(d.find("2 of 5 gate(s) failed"), std::string::npos);
    // Counts in the DOM.
    EXPECT_NE(d.find("data-count=\"gates\"><b>5</b>"), std::string::npos);
    EXPECT_NE(d.find("data-count=\"failed-gates\"><b>2</b>"), std::string::npos);
    EXPECT_NE(d.find("data-count=\"findings\"><b>4</b>"), std::string::npos);
    EXPECT_NE(d.find("data-count=\"errors\"><b>2</b>"), std::string::npos);
    EXPECT_EQ(count_of(d, "<tr class=\"gate\""), 5u);
    EXPECT_EQ(count_of(d, "data-status=\"fail\"><td>"), 2u);  // failing gate rows
    EXPECT_EQ(count_of(d, "<div class=\"finding\""), 4u);
    EXPECT_NE(d.find("id=\"config-matrix\""), std::string::npos);
    EXPECT_NE(d.find("id=\"metadata\""), std::string::npos);
    // No script ever made it into the page.
    EXPECT_EQ(d.find("<script"), std::string::npos);
}

TEST_F(ReportBrowser, ScreenshotIsWritten) {
    fs::path png = dir_ / "report.png";
    Output shot = run(chromium("--screenshot=" + quote(png.string()) + " --window-size=1280,900"));
    ASSERT_EQ(shot.status, 0) << shot.out;
    ASSERT_TRUE(fs::exists(png));
    EXPECT_GT(fs::file_size(png), 20000u);  // a rendered page, not a blank image
    std::ifstream in(png, std::ios::binary);
    char sig[8] = {};
    in.read(sig, 8);
    EXPECT_EQ(std::string(sig + 1, 3), "PNG");
    // Width and height from the IHDR chunk.
    unsigned char ihdr[16] = {};
    in.read(reinterpret_cast<char*>(ihdr), 16);
    unsigned w = (ihdr[8] << 24) | (ihdr[9] << 16) | (ihdr[10] << 8) | ihdr[11];
    unsigned h = (ihdr[12] << 24) | (ihdr[13] << 16) | (ihdr[14] << 8) | ihdr[15];
    EXPECT_EQ(w, 1280u);
    EXPECT_EQ(h, 900u);
}
