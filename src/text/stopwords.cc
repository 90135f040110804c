// Copyright storyline authors.
//
// Stop-word lists: function words that carry no topic. The lists are data;
// each entry is normalised with NormalizeText when the set is built, so the
// lists may be written in ordinary spelling ("daß" matches "dass").
#include <array>
#include <string>
#include <string_view>
#include <unordered_set>

#include "storyline/text.h"

namespace storyline {
namespace {

// English: pronouns, determiners, auxiliaries, prepositions, conjunctions,
// common adverbs and contractions (with ASCII apostrophes, as Tokenize writes them).
constexpr std::string_view kEnglish =
    "a about above across after afterwards again against all almost alone along already also "
    "although always am among amongst an and another any anybody anyhow anyone anything anyway "
    "anywhere are aren't around as at be became because become becomes becoming been before "
    "beforehand behind being below beside besides between beyond both but by can can't cannot "
    "could couldn't did didn't do does doesn't doing don't done down during each either else "
    "elsewhere enough etc even ever every everybody everyone everything everywhere except few "
    "for former formerly from further had hadn't has hasn't have haven't having he he'd he'll "
    "he's hence her here here's hereafter hereby herein hers herself him himself his how how's "
    "however i i'd i'll i'm i've ie if in indeed into is isn't it it's its itself just last "
    "latter latterly least less let's like many may me meanwhile might mine more moreover most "
    "mostly much must mustn't my myself namely neither never nevertheless next no nobody none "
    "noone nor not nothing now nowhere of off often on once one only onto or other others "
    "otherwise ought our ours ourselves out over own per perhaps rather re same shall shan't "
    "she she'd she'll she's should shouldn't since so some somebody somehow someone something "
    "sometime sometimes somewhere still such than that that's the their theirs them themselves "
    "then thence there there's thereafter thereby therefore therein thereupon these they "
    "they'd they'll they're they've this those though through throughout thru thus to together "
    "too toward towards under unless until up upon us very via was wasn't we we'd we'll we're "
    "we've were weren't what what's whatever when when's whence whenever where where's "
    "whereafter whereas whereby wherein whereupon wherever whether which while whither who "
    "who's whoever whole whom whose why why's will with within without won't would wouldn't "
    "yet you you'd you'll you're you've your yours yourself yourselves";

constexpr std::string_view kGerman =
    "aber alle allem allen aller alles als also am an ander andere anderem anderen anderer "
    "anderes auch auf aus bei bin bis bist da damit dann das dass daß dein deine deinem deinen "
    "deiner dem den denn der des dessen dich die dies diese diesem diesen dieser dieses dir doch "
    "dort du durch ein eine einem einen einer eines einig einige er es etwas euch euer eure für "
    "gegen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem "
    "ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener "
    "jenes jetzt kann kein keine keinem keinen keiner man manche mein meine meinem meinen meiner "
    "mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem "
    "seinen seiner sich sie sind so solche soll sollte sondern sonst über um und uns unser unsere "
    "unter vom von vor war waren warst was weg weil weiter welche welchem welchen welcher welches "
    "wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur "
    "zwar zwischen";

constexpr std::string_view kFrench =
    "a au aux avec avait avant c ce ceci cela celle celles celui ces cet cette ceux chez comme "
    "d dans de des donc dont du elle elles en encore est et été être eu il ils j je l la le les "
    "leur leurs lui m ma mais me même mes moi mon n ne ni nos notre nous on ont ou où par pas "
    "peu plus pour qu que quel quelle quelles quels qui s sa sans se sera ses si son sont sous "
    "sur t ta te tes toi ton tous tout toute toutes très tu un une vos votre vous y à ça "
    "c'est d'un d'une l'on qu'il qu'elle s'est n'est";

constexpr std::string_view kSpanish =
    "a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante "
    "e el él ella ellas ellos en entre era eran es esa esas ese eso esos esta está están estas "
    "este esto estos fue fueron ha han hasta hay la las le les lo los más me mi mis mucho muy "
    "nada ni no nos nosotros o os otra otras otro otros para pero poco por porque que qué quien "
    "quienes se sea ser si sí sin sobre su sus también tan te tiene tienen todo todos tu tus un "
    "una uno unos y ya yo";

constexpr std::string_view kItalian =
    "a ad agli ai al alla alle allo anche avere aveva c che chi ci come con contro cui da dagli "
    "dai dal dalla dalle degli dei del della delle dello di dove e è ed era erano essere gli ha "
    "hanno i il in io la le lei loro lui ma mi nei nel nella nelle noi non o per perché più quale "
    "quando quella quelle quello questa queste questo se sei si sia sono su sua sue sui sul "
    "sulla suo suoi tra tu un una uno voi";

constexpr std::string_view kPortuguese =
    "a à ao aos as às até com como da das de dela dele deles do dos e é ela elas ele eles em "
    "entre era essa essas esse esses esta está estão estas este estes eu foi for foram há isso "
    "isto já lhe lhes mais mas me mesmo meu minha muito na nas não nem no nos nós num numa o os "
    "ou para pela pelas pelo pelos por qual quando que quem se sem ser seu seus só sua suas "
    "também te tem têm um uma umas uns você vocês";

constexpr std::string_view kDutch =
    "aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus "
    "een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand "
    "iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog "
    "nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor "
    "want waren was wat werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou";

constexpr std::string_view kRussian =
    "а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже "
    "для до его ее её если есть еще ещё же за здесь и из или им их к как ко когда кто ли либо мне "
    "может мы на надо наш не него нее неё нет ни них но ну о об однако он она они оно от очень по "
    "под при с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей "
    "чем что чтобы чье чья эта эти это я";

struct StopList {
  std::string_view lang;
  std::string_view words;
};
constexpr std::array<StopList, 8> kLists = {{{"en", kEnglish},
                                             {"de", kGerman},
                                             {"fr", kFrench},
                                             {"es", kSpanish},
                                             {"it", kItalian},
                                             {"pt", kPortuguese},
                                             {"nl", kDutch},
                                             {"ru", kRussian}}};

using WordSet = std::unordered_set<std::string>;

struct StopSets {
  WordSet sets[kLists.size()];
  StopSets() {
    for (size_t l = 0; l < kLists.size(); ++l) {
      std::string_view w = kLists[l].words;
      while (!w.empty()) {
        size_t sp = w.find(' ');
        std::string_view word = w.substr(0, sp);
        if (!word.empty()) sets[l].insert(NormalizeText(word));
        w = sp == std::string_view::npos ? std::string_view() : w.substr(sp + 1);
      }
      sets[l].max_load_factor(0.5f);
    }
  }
};

const StopSets& Sets() {
  static const StopSets* s = new StopSets();  // never destroyed: usable at exit
  return *s;
}

}  // namespace

bool IsStopword(std::string_view word, std::string_view lang) {
  if (lang.empty()) lang = "en";
  if (lang.size() > 2 && (lang[2] == '-' || lang[2] == '_')) lang = lang.substr(0, 2);
  for (size_t l = 0; l < kLists.size(); ++l) {
    if (kLists[l].lang == lang) {
      const WordSet& set = Sets().sets[l];
      // Heterogeneous lookup needs C++20 transparent hashing; words are short,
      // so a small copy keeps this simple.
      thread_local std::string key;
      key.assign(word);
      return set.count(key) != 0;
    }
  }
  return false;
}

}  // namespace storyline
