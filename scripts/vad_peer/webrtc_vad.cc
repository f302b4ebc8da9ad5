// scripts/vad_peer/webrtc_vad.cc -- the WebRTC voice activity detector as a peer for tonemon's
// speech activity: Debian's webrtc-audio-processing 0.3, AudioProcessing with voice detection
// only, the most aggressive likelihood (kVeryLowLikelihood: a frame is least likely to be
// declared voice), 10 ms frames. One AudioProcessing per channel (agent = left, caller = right).
// Not part of tonemon: a benchmark peer (scripts/vad_peer/compare_vad.py).
//
// usage: webrtc_vad [--likelihood very_low|low|moderate|high] FILE.wav > frames.csv
// Prints the frame CSV layout `time,channel,speech` (time: start of the 10 ms hop in seconds).
// The file's rate must be 8, 16, 32 or 48 kHz (the rates AudioProcessing takes).
#include <sndfile.h>
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

int main(int argc, char **argv)
{
    webrtc::VoiceDetection::Likelihood lk = webrtc::VoiceDetection::kVeryLowLikelihood;
    const char *path = nullptr;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--likelihood") && i + 1 < argc) {
            const char *v = argv[++i];
            if (!std::strcmp(v, "very_low")) lk = webrtc::VoiceDetection::kVeryLowLikelihood;
            else if (!std::strcmp(v, "low")) lk = webrtc::VoiceDetection::kLowLikelihood;
            else if (!std::strcmp(v, "moderate")) lk = webrtc::VoiceDetection::kModerateLikelihood;
            else if (!std::strcmp(v, "high")) lk = webrtc::VoiceDetection::kHighLikelihood;
            else { std::fprintf(stderr, "webrtc_vad: unknown likelihood '%s'\n", v); return 2; }
        } else if (argv[i][0] == '-') {
            std::fprintf(stderr, "usage: webrtc_vad [--likelihood very_low|low|moderate|high] FILE.wav\n");
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) { std::fprintf(stderr, "usage: webrtc_vad [--likelihood very_low|low|moderate|high] FILE.wav\n"); return 2; }
    SF_INFO info;
    std::memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) { std::fprintf(stderr, "webrtc_vad: %s: %s\n", path, sf_strerror(nullptr)); return 1; }
    int rate = info.samplerate, nch = info.channels;
    if (rate != 8000 && rate != 16000 && rate != 32000 && rate != 48000) {
        std::fprintf(stderr, "webrtc_vad: %s: %d Hz is not a rate AudioProcessing takes (8/16/32/48 kHz)\n", path, rate);
        sf_close(sf);
        return 1;
    }
    if (nch < 1 || nch > 2) { std::fprintf(stderr, "webrtc_vad: %s: %d channels (1 or 2)\n", path, nch); sf_close(sf); return 1; }
    std::vector<std::unique_ptr<webrtc::AudioProcessing>> apm;
    for (int c = 0; c < nch; c++) {
        apm.emplace_back(webrtc::AudioProcessing::Create());
        webrtc::VoiceDetection *vd = apm.back()->voice_detection();
        if (vd->Enable(true) || vd->set_likelihood(lk) || vd->set_frame_size_ms(10)) {
            std::fprintf(stderr, "webrtc_vad: cannot set up voice detection\n");
            return 1;
        }
    }
    const int hop = rate / 100;
    std::vector<short> buf((size_t)hop * nch);
    webrtc::AudioFrame fr;
    const char *names[2] = {nch == 1 ? "mix" : "agent", "caller"};
    std::printf("time,channel,speech\n");
    for (long h = 0;; h++) {
        sf_count_t got = sf_readf_short(sf, buf.data(), hop);
        if (got < hop) break;
        for (int c = 0; c < nch; c++) {
            fr.sample_rate_hz_ = rate;
            fr.num_channels_ = 1;
            fr.samples_per_channel_ = (size_t)hop;
            for (int i = 0; i < hop; i++) fr.data_[i] = buf[(size_t)i * nch + c];
            if (apm[c]->ProcessStream(&fr) != webrtc::AudioProcessing::kNoError) {
                std::fprintf(stderr, "webrtc_vad: %s: ProcessStream failed at hop %ld\n", path, h);
                return 1;
            }
            std::printf("%.2f,%s,%d\n", h / 100.0, names[c], apm[c]->voice_detection()->stream_has_voice() ? 1 : 0);
        }
    }
    sf_close(sf);
    return 0;
}
