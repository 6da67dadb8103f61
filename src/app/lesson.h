// lesson.h — the lesson's state and its sections, in lesson order.
//
// The text of every section comes from lessons/attention-lesson.md (a LessonDoc); the
// interactive pieces it names with "::: widget name" are drawn by the functions registered in
// widget_table(). Sections and their order are those of the browser contract (DESIGN.md).
#pragma once

#include "app/commands.h"
#include "app/controls.h"
#include "app/describe.h"
#include "app/model.h"
#include "app/touch.h"
#include "core/attention.h"
#include "core/lesson_doc.h"
#include "core/limits.h"
#include "core/lm.h"
#include "core/race.h"

#include <imgui.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace app {

// The worked example of the attention-steps section: two tokens, d_k = 3.
struct WorkedExample {
    attn::Mat q, k, v;           // (2, 3) each, editable by the learner
    attn::Mat out;               // (2, 3)
    attn::AttentionCache cache;  // scores, scaled, weights: what the section shows
    int step = 4;                // 0 inputs, 1 scores, 2 ÷√d_k, 3 softmax, 4 × V
    bool scaled = true;          // false: the √d_k division is removed to show saturation
    std::string cell_note;       // what became of a value typed into a cell that the cells do not take
    void reset();                // back to the lesson's numbers
    bool is_lesson_numbers() const;  // nothing edited (scaled, and Q, K, V as the lesson has them)
    void recompute();
};

// "Why divide by √d_k?": one random query against six random keys of width d_k, with and
// without the division, and how strongly the softmax's weights still respond to the scores.
struct SaturationDemo {
    static constexpr int kKeys = 6;
    int dk = 64;                  // chosen by the learner
    int computed_for = -1;        // the d_k the numbers below belong to
    attn::Mat weights_scaled;     // (1, kKeys) softmax(q Kᵀ / √d_k)
    attn::Mat weights_raw;        // (1, kKeys) softmax(q Kᵀ)
    double slope_scaled = 0;      // largest |∂weight/∂score| of the softmax (its Jacobian), scaled
    double slope_raw = 0;         // the same without the division
    void recompute();
};

// A token drawn by the explorer, with its rectangle in CSS pixels of the canvas.
struct TokenBox {
    std::string text;
    int id = 0;
    ImVec2 min, max;
};

struct Explorer {
    SentenceRun run;             // Lesson::text through the explorer's model
    bool use_trained = true;
    int selected = -1;           // token whose attention is shown
    int layer = 1, head = -1;    // the last layer, mean of its heads: where "it" finds its referent
    bool all_heads = false;
    std::vector<TokenBox> boxes; // where the tokens were drawn this frame
    std::vector<double> row;     // attention of the selected token in the current view
    bool dirty = true;
    // The model on held-out sentences, measured once per model (Lesson::model_version).
    int evaluated_version = -1;
    attn::CorefEvaluation held_out;
};

struct Pipeline {
    SentenceRun run;                 // Lesson::text through the BERT-vocabulary embeddings
    attn::Mat positions;             // (max(16, T), d) the positional-encoding heatmap
    std::vector<std::string> position_labels;
    int hovered = -1;                // token under the pointer this frame
    int selected = -1;               // token picked by a click or tap, followed through the stages
    bool dirty = true;
};

struct EncoderView {
    static constexpr int kMaxBlocks = 6;
    int n = 0;              // N blocks chosen by the learner; 0: the explorer model's own
    int layer = 0;          // which block is drawn
    int stage = 0;          // how far the data has stepped through the block
    int selected_box = 1;
    LessonModel stacked;    // N blocks of the same width, untrained: used when N is not the model's own
    int stacked_n = 0;      // how many blocks `stacked` has (0: not built yet)
    SentenceRun run;        // the explorer's sentence through `stacked`
    std::vector<double> change;  // per block shown: relative_change() of its vectors
    ImVec2 more_min, more_max;   // the "+" button drawn last, in CSS pixels
};

// "Train it yourself": the explorer's model trained from scratch in the learner's browser,
// a few mini-batches per frame so the page stays responsive.
struct Training {
    std::unique_ptr<attn::CorefTrainer> trainer;
    std::vector<attn::CorefExample> held_out;  // fixed sentences for measuring as it learns
    std::vector<float> loss, batch_accuracy;   // per step
    std::vector<float> held_out_accuracy;      // per evaluation
    double held_out_last = 0;
    double held_out_attention = 0;             // share where the last layer's attention favours the referent
    double started_ms = 0, elapsed_ms = 0;
    double ms_to_95 = -1;                      // wall time until held-out accuracy first reached 95%
    int seed = 1;                              // the learner's choice (the shipped model is kCorefSeed)
    bool running = false, finished = false;
    bool evaluate_next = false;                // the held-out measurement is due: it gets a frame of its own
};

// "Transformers vs RNNs": a plain RNN, an LSTM and a transformer raced on the long-range "it"
// task in the learner's browser, a slice of work per frame; before a run, the reference run that
// scripts/race made when the lesson was built.
struct RaceView {
    std::unique_ptr<attn::Race> race;    // the learner's run (null before the first)
    attn::RaceResult reference;          // lessons/models/race-reference.txt
    bool has_reference = false;
    std::string reference_error;         // why it could not be read
    bool running = false, stopped = false;
    bool longer = false;                 // the "longer run" option: three times the steps
    double started_ms = 0, elapsed_ms = 0;
    std::string error;                   // options lesson.race() refused
    std::vector<std::string> table;      // the table's cells as drawn this frame, row by row
    std::vector<std::string> notes;      // where a measurement does not bear a verdict out
    // The figures on screen: the learner's run once started, else the reference run (or null).
    const attn::RaceResult* shown() const {
        return race ? &race->result() : (has_reference ? &reference : nullptr);
    }
};

// "How a language model writes": the story model continuing a prompt one token at a time, and
// "train it yourself" for it. All of it is the lesson's state (section_generation.cpp).
struct Generation {
    static constexpr const char* kDefaultPrompt = "The animal did not cross the street because it was too";
    attn::LanguageModel shipped;       // lessons/models/story.bin
    attn::LanguageModel own;           // trained in this browser
    bool loaded = false, use_own = false;
    std::string prompt = kDefaultPrompt;
    char prompt_input[512] = {};       // the native ImGui field's buffer
    std::vector<int> ids;              // [CLS], the prompt's pieces, then every token generated
    int prompt_len = 0;                // how many of ids came from the prompt
    std::vector<std::string> unknown;  // prompt words the model's vocabulary lacks (read as [UNK])
    std::string prompt_note;           // the grammar's verdict on the text so far
    float temperature = 0.0f;          // 0: greedy
    int top_k = 0;                     // 0: all tokens
    int seed = 1;                      // of the sampler; Reset starts its sequence again
    attn::Rng rng{1};
    attn::ModelOutput out;             // the forward pass of ids: its last row is the next token's distribution
    std::vector<double> drawn_from;    // the distribution the next token is drawn from (temperature, top-k)
    bool dirty = true;
    bool finished = false;             // [SEP] was generated, or the model's length is reached
    int stage = 8;                     // the loop step highlighted: 0 text … 7 append, 8 none
    bool playing = false;
    double play_clock = 0;             // seconds into the current token while playing
    bool triangle = false;             // show every token's attention, not only the newest token's
    int layer = -1;                    // the layer whose attention is shown (−1: the last)
    int selected = -1;                 // the token whose attention is shown (−1: the newest)
    // Train it yourself
    std::unique_ptr<attn::LmTrainer> trainer;
    std::vector<attn::Story> held_out;
    std::vector<float> loss, held_loss;  // per step; per evaluation (held-out stories)
    double started_ms = 0, elapsed_ms = 0, ms_to_target = -1;
    int train_seed = 1;
    bool running = false, finished_training = false;
    const attn::LanguageModel& model() const { return use_own && own.params.config.vocab > 0 ? own : shipped; }
};

// The end of the lesson, read off the progress and the lesson document: what the "Check
// yourself" summary shows, state().summary reports and a course site's gradebook receives.
// Sections come from sections(), quizzes from the document's quiz blocks (of those sections).
struct QuizResult {
    std::string id, question;
    int first = -1;                   // the option picked first, −1: not answered yet
    bool right_first = false;
};
struct Summary {
    std::vector<std::string> visited;     // section ids, in lesson order
    std::vector<std::string> not_visited; // section ids, in lesson order
    int sections = 0;                     // how many sections the lesson has
    std::vector<QuizResult> quizzes;      // in lesson order
    int answered = 0, right_first = 0;
    int round = 1;
    int prediction = -1;                  // the learner's prediction (kReferents), −1: not made
    bool prediction_held = false;         // it names the referent a reader gives (kReaderReferent)
    bool complete() const { return not_visited.empty(); }                // every section visited
    bool quiz_done() const { return answered == static_cast<int>(quizzes.size()) && !quizzes.empty(); }
    int score() const;                    // right first picks as 0–100 of all quizzes, −1: no quiz
};
struct Lesson;
Summary Summarize(const Lesson& lesson);
// "Try the quiz again": clears the answers (and first picks), keeps the visits and the prediction.
void ResetQuiz(Lesson& lesson);

// "Your prediction, revisited": the explorer's model on the two sentences, run once per model.
struct Revisit {
    int version = -1;                 // Lesson::model_version the lines belong to
    const void* model = nullptr;      // and which of the lesson's models
    std::vector<std::string> lines;
};

struct Lesson;
using WidgetFn = void (*)(Lesson&, const attn::Block&);
using DescribeFn = WidgetText (*)(Lesson&);
// The describer of a widget of the lesson file (describe.h), or nullptr; every widget's name.
DescribeFn FindDescriber(const std::string& name);
// The widget shows a trained model or the race's reference run, which have not arrived yet.
bool WaitsForModels(const Lesson& lesson, const std::string& name);
// What such a widget shows meanwhile (drawn, and in words).
WidgetText DescribeModelsLoading(const std::string& name);
std::vector<std::string> WidgetNames();

struct SectionInfo {
    const char* id;
    const char* fallback_title;  // used when the lesson file lacks the section
    const char* widget;          // its main interactive piece, drawn even without the text
};

struct Lesson {
    int current = 0;
    // The sentence of the lesson: one for the tokenizer pipeline, the encoder block and the
    // explorer, shown by every sentence field (set_text changes it everywhere).
    std::string text = "The animal did not cross the street because it was too tired";
    char text_input[512] = {};       // the native ImGui field's buffer
    attn::LessonDoc doc;
    std::string doc_error;           // why the lesson text could not be read
    std::string banner;              // a message at the top of the page until dismissed
    Progress progress;
    bool progress_dirty = false;
    bool embed = false;              // no page chrome, fits an iframe
    bool single_section = false;     // embed of one section only
    WorkedExample worked;
    SaturationDemo saturation;
    Revisit revisit;
    int pinned_term = -1;            // the glossary term opened by a click (intro), or −1
    std::unique_ptr<attn::WordPieceTokenizer> tokenizer;
    std::string tokenizer_error;
    LessonModel trained;             // the explorer's model
    // The same architecture untrained: once the models are in, the trained model's with weights
    // drawn from a seed; before (or if it does not load), an encoder that reads BERT ids, built on
    // first use by explorer_model() (a million random weights: not on the page's way to its first
    // frame).
    mutable LessonModel untrained;
    LessonModel shipped;             // the model of lessons/models/ (trained becomes the learner's own when they train)
    // Reads any BERT id: the text-to-vectors pipeline's vectors. Built on first use by bert_model().
    mutable LessonModel bert_embeddings;
    int model_version = 0;           // bumped whenever the explorer's model changes (for caches)
    Explorer explorer;
    Pipeline pipeline;
    EncoderView encoder;
    Training training;
    RaceView race;
    Generation generation;
    std::string story_model_error;   // why the story model is missing, if it is
    int section_changed = 0;         // bumped whenever the section changes (for the page)
    bool scroll_to_top = false;
    // Sentence fields on the web are a real <input> that the page lays over the field while it is
    // edited: the browser then gives paste, copy, undo, input methods, the on-screen keyboard and
    // the screen reader's text field. Natively they are ImGui text fields.
    bool dom_text_input = false;
    struct TextEdit {
        bool pending = false;        // ask the page to open its input over the field
        bool active = false;         // the page's input is open
        bool moved = false;          // the field moved while it is open (the page scrolled)
        bool drawn = false;          // the field was drawn this frame (else the page closes its input)
        bool select_all = false;     // opened by Tab: the text starts selected, as on a web page
        std::string target = "sentence";  // what the text is for: "sentence", or "cell:Q:row:col"
        std::string input_mode = "text";  // the page's inputmode: "text", or "decimal" for a number
        ImVec2 min, max;             // where the field is, in CSS pixels
        std::string draft;           // what the input holds, shown by the canvas meanwhile
        std::size_t draft_bytes = 0; // its length in UTF-8 bytes (the draft itself is kept only up to the limit)
    } edit;
    struct Clipboard {
        std::string pending;         // text a Copy button asked to put on the system clipboard
        bool link = false;           // "Copy link to this view" was pressed: the page copies its address
        std::string source;          // which Copy button asked
        std::string status;          // "Copied" or why not, shown beside that button for a moment
        double status_time = -1;     // ImGui time the status was first shown
    } clipboard;
    struct Download {                // a Save button asked the page to save a matrix (describe.h)
        std::string kind;            // MatrixExport::kind
        std::string format;          // "png" or "csv"
    } download;
    bool reduced_motion = false;     // the learner asked for less motion: no coasting after a flick
    bool high_contrast = false;      // prefers-contrast: more, or forced colours
    TouchScroll touch;               // fingers: tap, drag to scroll, flick (app/touch.h)
    Controls controls;               // every control drawn, this frame and the last (app/controls.h)
    float page_scroll = 0, page_scroll_max = 0;  // the page's scroll position and its end, CSS px
    ImVec2 field_min, field_max;     // the sentence field drawn last, in CSS pixels
    struct AnswerBox {               // a quiz answer drawn this frame, in CSS pixels
        std::string quiz;
        int option = 0;
        ImVec2 min, max;
    };
    std::vector<AnswerBox> answer_boxes;
    ImVec2 next_min, next_max;       // the "Next" button at the foot of the page, in CSS pixels
    int key_step = 0;                // −1 / +1: the learner pressed ← / → (set from key events, so
                                     // a tap shorter than a frame is not lost)
    int arrow = 0;                   // ← / → for the focused control that uses them (see ArrowFor)
    struct FocusOption {             // ← / → moved the choice of a group: focus and pick this one
        ImGuiID group = 0;
        int index = -1;
    } focus_option;
    int tab_step = 0;                // −1 / +1: Shift+Tab / Tab moves the keyboard focus
    bool clicked_control = false;    // the last click or tap pressed a control: Tab goes on from it
    bool enter_pressed = false;      // Enter: press the control that has the keyboard focus

    Lesson();
    // model_path: the trained parameters; model_vocab_path: its vocabulary (BERT pieces).
    // load_text, then load_models (what the page does in two steps: see models_pending).
    void load(const std::string& lesson_path, const std::string& vocab_path, const std::string& model_path,
              const std::string& model_vocab_path);
    // The lesson text: what the first screen needs.
    void load_text(const std::string& lesson_path);
    // BERT's vocabulary (the tokenizer), the trained "it" model and, beside it, the story model.
    // Ends models_pending.
    void load_models(const std::string& vocab_path, const std::string& model_path, const std::string& model_vocab_path);
    // The page fetches the vocabulary, the trained models and the race's reference run after the
    // first frame: until they arrive, the widgets that use them say that they are loading
    // (WaitsForModels).
    bool models_pending = false;
    std::string model_error;         // why the trained model is missing, if it is
    // The race's reference run (scripts/race --out); a missing or bad file is said in the section.
    void load_race_reference(const std::string& path);
    // Every problem the page shows the learner as an error (lesson text, vocabulary, model).
    std::vector<std::string> problems() const;
    const LessonModel& explorer_model() const;
    // The explorer model's shape (layers, heads), without building an untrained one to ask.
    attn::EncoderConfig explorer_config() const;
    const LessonModel& bert_model() const;
    // Runs Lesson::text through the explorer's model when it changed, and keeps a selection
    // that exists ("it" when there is one): the explorer, the encoder block and the API share it.
    void refresh_explorer();
    bool go_to(const std::string& id);
    // Sets the explorer's and the pipeline's sentence; returns an error message or "".
    std::string set_text(const std::string& text);
    void mark_visited(const std::string& id);
};

const std::vector<SectionInfo>& sections();
int section_index(const std::string& id);  // -1 when unknown
std::string section_title(const Lesson& lesson, int index);

// The sentence field of the pipeline and the explorer, showing Lesson::text: on the web a field
// that asks the page for its own text input (Lesson::edit), which applies the text through
// lesson_set_text; natively an ImGui text input that applies it as it is typed.
void SentenceField(Lesson& lesson, const char* hint);

// ← and → belong to the control with the keyboard focus (not to ImGui's focus moves, nor to
// page turns): a slider, a cell, a group of choices.
bool FocusedControlTakesArrows(const Lesson& lesson);
// Enter: presses the control that has the keyboard focus, as Space does, or opens a number cell
// for typing (call before ImGui::NewFrame).
void PressFocusedControl(Lesson& lesson);

// The arrow (−1 / +1) pressed while the last item has the keyboard focus, or 0. Consumed: a
// control that uses arrows calls it right after it is drawn (and ControlTakesArrows()).
int ArrowFor(Lesson& lesson);
// One choice of a group drawn in a row (layer, head, step): filled when selected. With the
// keyboard focus on it, ← and → pick the neighbour and take the focus along.
bool OptionGroupButton(Lesson& lesson, const char* group, const char* label, int index, int count, bool selected,
                       float width = 0.0f);

// What a link to the current view carries (URL parameters section, text, token, layer, head,
// q, k, v, n, block, stage, box): read off the lesson, and applied to it when a link is opened or
// Back is pressed.
View CurrentView(Lesson& lesson);
// Applies the explorer and worked-example parts of a view; returns what could not be applied, or "".
std::string ApplyView(Lesson& lesson, const View& view);

// Asks the page to open its own input over [min, max] for `target` (see Lesson::TextEdit), holding
// `text`; a number (decimal keyboard on a phone) or a sentence.
void RequestEdit(Lesson& lesson, const std::string& target, const std::string& text, ImVec2 min, ImVec2 max, bool number);
// Applies what the page's input holds to its target; returns an error message or "".
std::string ApplyEdit(Lesson& lesson, const std::string& text);
// Notes the characters of a run's pieces for the font atlas (glyphs.h): the tokenizer's
// lower-casing makes characters the typed text does not hold.
void NoteTokens(const SentenceRun& run);
// What the page's input holds while it is open (the canvas shows it meanwhile; beyond
// limits::kTextBytes only the start, and the field says how long it is).
void SetDraft(Lesson& lesson, std::string text);

// "Copy link to this view": the page puts its address (which follows the view) on the clipboard.
void CopyLinkButton(Lesson& lesson, const char* where);
// "Save as PNG" and "CSV" buttons for a matrix that export() knows by `kind`; the page saves it.
void SaveButtons(Lesson& lesson, const std::string& kind, const char* what);
// A quiz answer chosen outside the canvas (the text mirror); false when there is no such answer.
bool AnswerQuiz(Lesson& lesson, const std::string& quiz, int option);

// Brings what a widget shows up to date with the lesson's sentence and model, so that drawing and
// describing read the same numbers: the pipeline's run and positional encoding; the encoder
// block's run (the explorer's, or an untrained stack of the learner's height) and its model; the
// explorer's attention row of the selected token in the current view; the revisited prediction.
void RefreshPipeline(Lesson& lesson);
struct EncoderShown {
    const LessonModel* model;
    const SentenceRun* run;
    bool own_stack;
};
EncoderShown RefreshEncoder(Lesson& lesson);
std::vector<double> ExplorerRow(const Explorer& e);
void RefreshRevisit(Lesson& lesson);

// A small "Copy" button that puts `text` on the system clipboard (tab-separated for tables, so
// it pastes into a spreadsheet), with "Copied" beside it for a moment afterwards.
void CopyButton(Lesson& lesson, const char* id, const char* label, const std::string& text);

// Training in the browser: start (from a seed), and advance within a time budget per frame.
// ShowShippedModel stops it and puts the model of lessons/models/ back in the explorer.
void StartTraining(Lesson& lesson, int seed);
void ShowShippedModel(Lesson& lesson);
// The seed chooser of the explorer and of "Train it yourself": − seed +, and a Train button.
void SeedPicker(Lesson& lesson, const char* id);
void AdvanceTraining(Lesson& lesson, double budget_ms);
void DrawTraining(Lesson& lesson);

// The race of "Transformers vs RNNs": start (returns "" or why the options do not make a race),
// advance within a time budget per frame, stop.
std::string StartRace(Lesson& lesson, const attn::RaceOptions& options);
void AdvanceRace(Lesson& lesson, double budget_ms);
void StopRace(Lesson& lesson);
// The generation section (section_generation.cpp). SetPrompt returns an error message or "".
std::string SetPrompt(Lesson& lesson, const std::string& prompt);
void ResetGeneration(Lesson& lesson);
void RefreshGeneration(Lesson& lesson);
bool StepGeneration(Lesson& lesson);    // adds one token; false when the story is finished
void AdvanceGeneration(Lesson& lesson, double dt_seconds, double budget_ms);  // Play and training
void StartLmTraining(Lesson& lesson, int seed);
// lesson.generate / lesson.nextToken: stateless runs of the section's model (RunGenerate is
// app::Generate of commands.h with it).
GenerateResult RunGenerate(const Lesson& lesson, const std::string& prompt, double temperature, int top_k,
                           int seed, int max_tokens);
// The full next-token distribution over the vocabulary, in vocabulary order; error on bad input.
std::vector<std::pair<std::string, double>> NextTokenDistribution(const Lesson& lesson, const std::string& prompt,
                                                                  std::string& error);

// Draws the whole page for this frame.
void DrawLesson(Lesson& lesson);

// Widgets named by "::: widget name" in the lesson file.
void Widget_AttentionSteps(Lesson&, const attn::Block&);
void Widget_Saturation(Lesson&, const attn::Block&);
void Widget_Prediction(Lesson&, const attn::Block&);
void Widget_PredictionRevisit(Lesson&, const attn::Block&);
void Widget_Summary(Lesson&, const attn::Block&);
void Widget_Pipeline(Lesson&, const attn::Block&);
void Widget_EncoderDiagram(Lesson&, const attn::Block&);
void Widget_Explorer(Lesson&, const attn::Block&);
void Widget_Race(Lesson&, const attn::Block&);
void Widget_Generation(Lesson&, const attn::Block&);
void Widget_EncoderVsDecoder(Lesson&, const attn::Block&);
// Blocks with their own look.
void DrawTerms(Lesson&, const attn::Block&);
void DrawQuiz(Lesson&, const attn::Block&);

// The seed's sentence and its candidate referents, shared by intro, explorer and check.
extern const char* const kItSentence;
extern const char* const kReferents[3];  // what the learner may predict "it" means
constexpr int kReaderReferent = 0;       // "the animal": what a reader resolves it to, from "tired"

}  // namespace app
