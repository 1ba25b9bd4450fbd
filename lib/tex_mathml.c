/* tex_mathml.c — see tex_mathml.h.
 *
 * One pass of recursive descent that writes MathML as it reads: an
 * expression is atoms until its end (a closing brace, ], \right, & or \\
 * in a table, or the input's end); an atom is a base and its scripts. A
 * script's wrapper (<msup> ...) goes in front of a base already written
 * by moving the base, and a group that turns out to hold one element loses
 * its <mrow> the same way; every other element is written in order. Any
 * error returns -1 up the whole way, and tex_mathml() cuts out back to
 * where it was.
 *
 * Style: p->disp says whether the current style is display (limits go
 * under and over the big operators); fractions and scripts set it off,
 * \displaystyle, \dfrac and the display environments on. The browser
 * follows the same rules for sizes on its own (MathML Core's math-style). */
#include "tex_mathml.h"
#include "util.h"

#include <string.h>

/* What a command is. */
enum kind {
	S_MI,      /* identifier: <mi>text</mi> (fonts apply) */
	S_MIN,     /* upright identifier: <mi mathvariant="normal"> */
	S_MO,      /* operator, relation, punctuation: <mo>text</mo> */
	S_FENCE,   /* a delimiter: <mo stretchy="false">, or stretched after \left */
	S_BIG,     /* big operator: limits under and over in display style */
	S_INT,     /* integral: limits always as scripts */
	S_FN,      /* operator name: <mi>text</mi> and function application */
	S_FNLIM,   /* ... with limits in display style (\lim, \max) */
	S_SPACE,   /* <mspace width="text"/> */
	S_ACCENT,  /* over (or under) its argument; arg: A_* flags */
	S_FONT,    /* \mathbf{...}: arg is the font */
	S_FONTSW,  /* \bf: the font for the rest of the group */
	S_TEXT,    /* \text{...}: arg is the font */
	S_STYLE,   /* \displaystyle: arg 1, \textstyle 0, \scriptstyle 2 */
	S_LIMITS,  /* \limits arg 1, \nolimits 0 */
	S_BIGD,    /* \big( ...: arg is the size, 0 to 3 */
	S_CMD,     /* anything else: arg is a C_* */
};

enum { A_UNDER = 1, A_STRETCH = 2, A_LIMITS = 4 };

enum font { F_NONE, F_RM, F_BF, F_IT, F_BI, F_BB, F_CAL, F_FRAK, F_SF, F_TT };

enum cmd {
	C_FRAC, C_DFRAC, C_TFRAC, C_BINOM, C_DBINOM, C_TBINOM, C_SQRT, C_LEFT, C_MIDDLE,
	C_RIGHT, C_BEGIN, C_END, C_OPNAME, C_COLOR, C_TEXTCOLOR, C_NOT, C_OVERSET,
	C_UNDERSET, C_BOXED, C_PMOD, C_BMOD, C_MOD, C_XRIGHT, C_XLEFT, C_PHANTOM, C_IGNORE,
};

struct sym {
	const char *name;
	unsigned char kind, arg;
	const char *text;
};

/* Sorted by name as strcmp orders them (lookup() searches it in halves;
 * tests/unit/golden/math/symbols.tex uses every entry, so one out of order
 * fails that test). */
static const struct sym syms[] = {
	/* table:start */
	{ " ", S_SPACE, 0, "0.3333em" },
	{ "!", S_SPACE, 0, "-0.1667em" },
	{ "#", S_MIN, 0, "#" },
	{ "$", S_MIN, 0, "$" },
	{ "%", S_MIN, 0, "%" },
	{ "&", S_MO, 0, "&" },
	{ ",", S_SPACE, 0, "0.1667em" },
	{ ":", S_SPACE, 0, "0.2222em" },
	{ ";", S_SPACE, 0, "0.2778em" },
	{ ">", S_SPACE, 0, "0.2222em" },
	{ "Alpha", S_MIN, 0, "Α" },
	{ "Beta", S_MIN, 0, "Β" },
	{ "Big", S_BIGD, 1, NULL },
	{ "Bigg", S_BIGD, 3, NULL },
	{ "Biggl", S_BIGD, 3, NULL },
	{ "Biggm", S_BIGD, 3, NULL },
	{ "Biggr", S_BIGD, 3, NULL },
	{ "Bigl", S_BIGD, 1, NULL },
	{ "Bigm", S_BIGD, 1, NULL },
	{ "Bigr", S_BIGD, 1, NULL },
	{ "Box", S_MI, 0, "□" },
	{ "Chi", S_MIN, 0, "Χ" },
	{ "Delta", S_MIN, 0, "Δ" },
	{ "Downarrow", S_FENCE, 0, "⇓" },
	{ "Epsilon", S_MIN, 0, "Ε" },
	{ "Eta", S_MIN, 0, "Η" },
	{ "Gamma", S_MIN, 0, "Γ" },
	{ "Im", S_MI, 0, "ℑ" },
	{ "Iota", S_MIN, 0, "Ι" },
	{ "Kappa", S_MIN, 0, "Κ" },
	{ "Lambda", S_MIN, 0, "Λ" },
	{ "Leftarrow", S_MO, 0, "⇐" },
	{ "Leftrightarrow", S_MO, 0, "⇔" },
	{ "Longleftarrow", S_MO, 0, "⟸" },
	{ "Longleftrightarrow", S_MO, 0, "⟺" },
	{ "Longrightarrow", S_MO, 0, "⟹" },
	{ "Mu", S_MIN, 0, "Μ" },
	{ "Nu", S_MIN, 0, "Ν" },
	{ "Omega", S_MIN, 0, "Ω" },
	{ "Omicron", S_MIN, 0, "Ο" },
	{ "P", S_MI, 0, "¶" },
	{ "Phi", S_MIN, 0, "Φ" },
	{ "Pi", S_MIN, 0, "Π" },
	{ "Pr", S_FNLIM, 0, "Pr" },
	{ "Psi", S_MIN, 0, "Ψ" },
	{ "Re", S_MI, 0, "ℜ" },
	{ "Rho", S_MIN, 0, "Ρ" },
	{ "Rightarrow", S_MO, 0, "⇒" },
	{ "S", S_MI, 0, "§" },
	{ "Sigma", S_MIN, 0, "Σ" },
	{ "Tau", S_MIN, 0, "Τ" },
	{ "Theta", S_MIN, 0, "Θ" },
	{ "Uparrow", S_FENCE, 0, "⇑" },
	{ "Updownarrow", S_FENCE, 0, "⇕" },
	{ "Upsilon", S_MIN, 0, "Υ" },
	{ "Vert", S_FENCE, 0, "‖" },
	{ "Xi", S_MIN, 0, "Ξ" },
	{ "Zeta", S_MIN, 0, "Ζ" },
	{ "_", S_MIN, 0, "_" },
	{ "acute", S_ACCENT, 0, "´" },
	{ "aleph", S_MI, 0, "ℵ" },
	{ "alpha", S_MI, 0, "α" },
	{ "amalg", S_MO, 0, "⨿" },
	{ "angle", S_MI, 0, "∠" },
	{ "approx", S_MO, 0, "≈" },
	{ "approxeq", S_MO, 0, "≊" },
	{ "arccos", S_FN, 0, "arccos" },
	{ "arcsin", S_FN, 0, "arcsin" },
	{ "arctan", S_FN, 0, "arctan" },
	{ "arg", S_FN, 0, "arg" },
	{ "argmax", S_FNLIM, 0, "arg\xE2\x80\x89max" },
	{ "argmin", S_FNLIM, 0, "arg\xE2\x80\x89min" },
	{ "ast", S_MO, 0, "∗" },
	{ "asymp", S_MO, 0, "≍" },
	{ "backslash", S_FENCE, 0, "\\" },
	{ "bar", S_ACCENT, 0, "¯" },
	{ "because", S_MO, 0, "∵" },
	{ "begin", S_CMD, C_BEGIN, NULL },
	{ "beta", S_MI, 0, "β" },
	{ "beth", S_MI, 0, "ℶ" },
	{ "bf", S_FONTSW, F_BF, NULL },
	{ "big", S_BIGD, 0, NULL },
	{ "bigcap", S_BIG, 0, "⋂" },
	{ "bigcup", S_BIG, 0, "⋃" },
	{ "bigg", S_BIGD, 2, NULL },
	{ "biggl", S_BIGD, 2, NULL },
	{ "biggm", S_BIGD, 2, NULL },
	{ "biggr", S_BIGD, 2, NULL },
	{ "bigl", S_BIGD, 0, NULL },
	{ "bigm", S_BIGD, 0, NULL },
	{ "bigodot", S_BIG, 0, "⨀" },
	{ "bigoplus", S_BIG, 0, "⨁" },
	{ "bigotimes", S_BIG, 0, "⨂" },
	{ "bigr", S_BIGD, 0, NULL },
	{ "bigsqcup", S_BIG, 0, "⨆" },
	{ "bigtriangledown", S_MO, 0, "▽" },
	{ "bigtriangleup", S_MO, 0, "△" },
	{ "biguplus", S_BIG, 0, "⨄" },
	{ "bigvee", S_BIG, 0, "⋁" },
	{ "bigwedge", S_BIG, 0, "⋀" },
	{ "binom", S_CMD, C_BINOM, NULL },
	{ "blacksquare", S_MI, 0, "■" },
	{ "bm", S_FONT, F_BI, NULL },
	{ "bmod", S_CMD, C_BMOD, NULL },
	{ "boldsymbol", S_FONT, F_BI, NULL },
	{ "bot", S_MI, 0, "⊥" },
	{ "bowtie", S_MO, 0, "⋈" },
	{ "boxed", S_CMD, C_BOXED, NULL },
	{ "boxplus", S_MO, 0, "⊞" },
	{ "boxtimes", S_MO, 0, "⊠" },
	{ "breve", S_ACCENT, 0, "˘" },
	{ "bullet", S_MO, 0, "∙" },
	{ "cal", S_FONTSW, F_CAL, NULL },
	{ "cap", S_MO, 0, "∩" },
	{ "cdot", S_MO, 0, "⋅" },
	{ "cdots", S_MO, 0, "⋯" },
	{ "cfrac", S_CMD, C_DFRAC, NULL },
	{ "check", S_ACCENT, 0, "ˇ" },
	{ "checkmark", S_MI, 0, "✓" },
	{ "chi", S_MI, 0, "χ" },
	{ "circ", S_MO, 0, "∘" },
	{ "clubsuit", S_MI, 0, "♣" },
	{ "colon", S_MO, 0, ":" },
	{ "coloneqq", S_MO, 0, "≔" },
	{ "color", S_CMD, C_COLOR, NULL },
	{ "complement", S_MI, 0, "∁" },
	{ "cong", S_MO, 0, "≅" },
	{ "coprod", S_BIG, 0, "∐" },
	{ "cos", S_FN, 0, "cos" },
	{ "cosh", S_FN, 0, "cosh" },
	{ "cot", S_FN, 0, "cot" },
	{ "coth", S_FN, 0, "coth" },
	{ "csc", S_FN, 0, "csc" },
	{ "cup", S_MO, 0, "∪" },
	{ "dagger", S_MO, 0, "†" },
	{ "dashv", S_MO, 0, "⊣" },
	{ "dbinom", S_CMD, C_DBINOM, NULL },
	{ "ddagger", S_MO, 0, "‡" },
	{ "ddot", S_ACCENT, 0, "¨" },
	{ "ddots", S_MO, 0, "⋱" },
	{ "deg", S_FN, 0, "deg" },
	{ "degree", S_MI, 0, "°" },
	{ "delta", S_MI, 0, "δ" },
	{ "det", S_FNLIM, 0, "det" },
	{ "dfrac", S_CMD, C_DFRAC, NULL },
	{ "diamond", S_MO, 0, "⋄" },
	{ "diamondsuit", S_MI, 0, "♢" },
	{ "digamma", S_MI, 0, "ϝ" },
	{ "dim", S_FN, 0, "dim" },
	{ "displaystyle", S_STYLE, 1, NULL },
	{ "div", S_MO, 0, "÷" },
	{ "dot", S_ACCENT, 0, "˙" },
	{ "doteq", S_MO, 0, "≐" },
	{ "dotplus", S_MO, 0, "∔" },
	{ "dots", S_MO, 0, "…" },
	{ "dotsb", S_MO, 0, "⋯" },
	{ "dotsc", S_MO, 0, "…" },
	{ "downarrow", S_FENCE, 0, "↓" },
	{ "ell", S_MI, 0, "ℓ" },
	{ "emptyset", S_MI, 0, "∅" },
	{ "end", S_CMD, C_END, NULL },
	{ "enspace", S_SPACE, 0, "0.5em" },
	{ "epsilon", S_MI, 0, "ϵ" },
	{ "eqqcolon", S_MO, 0, "≕" },
	{ "equiv", S_MO, 0, "≡" },
	{ "eta", S_MI, 0, "η" },
	{ "eth", S_MI, 0, "ð" },
	{ "exists", S_MI, 0, "∃" },
	{ "exp", S_FN, 0, "exp" },
	{ "flat", S_MI, 0, "♭" },
	{ "forall", S_MI, 0, "∀" },
	{ "frac", S_CMD, C_FRAC, NULL },
	{ "frown", S_MO, 0, "⌢" },
	{ "gamma", S_MI, 0, "γ" },
	{ "gcd", S_FNLIM, 0, "gcd" },
	{ "ge", S_MO, 0, "≥" },
	{ "geq", S_MO, 0, "≥" },
	{ "geqq", S_MO, 0, "≧" },
	{ "geqslant", S_MO, 0, "⩾" },
	{ "gets", S_MO, 0, "←" },
	{ "gg", S_MO, 0, "≫" },
	{ "ggg", S_MO, 0, "⋙" },
	{ "gneq", S_MO, 0, "⪈" },
	{ "grave", S_ACCENT, 0, "`" },
	{ "gt", S_MO, 0, ">" },
	{ "gtrsim", S_MO, 0, "≳" },
	{ "hat", S_ACCENT, 0, "^" },
	{ "hbar", S_MI, 0, "ℏ" },
	{ "heartsuit", S_MI, 0, "♡" },
	{ "hom", S_FN, 0, "hom" },
	{ "hookleftarrow", S_MO, 0, "↩" },
	{ "hookrightarrow", S_MO, 0, "↪" },
	{ "hslash", S_MI, 0, "ℏ" },
	{ "iff", S_MO, 0, "⟺" },
	{ "iiint", S_INT, 0, "∭" },
	{ "iint", S_INT, 0, "∬" },
	{ "imath", S_MI, 0, "ı" },
	{ "impliedby", S_MO, 0, "⟸" },
	{ "implies", S_MO, 0, "⟹" },
	{ "in", S_MO, 0, "∈" },
	{ "inf", S_FNLIM, 0, "inf" },
	{ "infty", S_MI, 0, "∞" },
	{ "int", S_INT, 0, "∫" },
	{ "intercal", S_MO, 0, "⊺" },
	{ "iota", S_MI, 0, "ι" },
	{ "it", S_FONTSW, F_IT, NULL },
	{ "jmath", S_MI, 0, "ȷ" },
	{ "kappa", S_MI, 0, "κ" },
	{ "ker", S_FN, 0, "ker" },
	{ "lVert", S_FENCE, 0, "‖" },
	{ "lambda", S_MI, 0, "λ" },
	{ "land", S_MO, 0, "∧" },
	{ "langle", S_FENCE, 0, "⟨" },
	{ "lbrace", S_FENCE, 0, "{" },
	{ "lbrack", S_FENCE, 0, "[" },
	{ "lceil", S_FENCE, 0, "⌈" },
	{ "ldots", S_MO, 0, "…" },
	{ "le", S_MO, 0, "≤" },
	{ "leadsto", S_MO, 0, "⇝" },
	{ "left", S_CMD, C_LEFT, NULL },
	{ "leftarrow", S_MO, 0, "←" },
	{ "leftharpoondown", S_MO, 0, "↽" },
	{ "leftharpoonup", S_MO, 0, "↼" },
	{ "leftleftarrows", S_MO, 0, "⇇" },
	{ "leftrightarrow", S_MO, 0, "↔" },
	{ "leftrightharpoons", S_MO, 0, "⇋" },
	{ "leq", S_MO, 0, "≤" },
	{ "leqq", S_MO, 0, "≦" },
	{ "leqslant", S_MO, 0, "⩽" },
	{ "lesssim", S_MO, 0, "≲" },
	{ "lfloor", S_FENCE, 0, "⌊" },
	{ "lg", S_FN, 0, "lg" },
	{ "lim", S_FNLIM, 0, "lim" },
	{ "liminf", S_FNLIM, 0, "lim\xE2\x80\x89inf" },
	{ "limits", S_LIMITS, 1, NULL },
	{ "limsup", S_FNLIM, 0, "lim\xE2\x80\x89sup" },
	{ "ll", S_MO, 0, "≪" },
	{ "llbracket", S_FENCE, 0, "⟦" },
	{ "lll", S_MO, 0, "⋘" },
	{ "ln", S_FN, 0, "ln" },
	{ "lneq", S_MO, 0, "⪇" },
	{ "lnot", S_MO, 0, "¬" },
	{ "log", S_FN, 0, "log" },
	{ "longleftarrow", S_MO, 0, "⟵" },
	{ "longleftrightarrow", S_MO, 0, "⟷" },
	{ "longmapsto", S_MO, 0, "⟼" },
	{ "longrightarrow", S_MO, 0, "⟶" },
	{ "lor", S_MO, 0, "∨" },
	{ "lozenge", S_MI, 0, "◊" },
	{ "lt", S_MO, 0, "<" },
	{ "ltimes", S_MO, 0, "⋉" },
	{ "lvert", S_FENCE, 0, "|" },
	{ "mapsto", S_MO, 0, "↦" },
	{ "mathbb", S_FONT, F_BB, NULL },
	{ "mathbf", S_FONT, F_BF, NULL },
	{ "mathcal", S_FONT, F_CAL, NULL },
	{ "mathfrak", S_FONT, F_FRAK, NULL },
	{ "mathit", S_FONT, F_IT, NULL },
	{ "mathnormal", S_FONT, F_NONE, NULL },
	{ "mathring", S_ACCENT, 0, "˚" },
	{ "mathrm", S_FONT, F_RM, NULL },
	{ "mathscr", S_FONT, F_CAL, NULL },
	{ "mathsf", S_FONT, F_SF, NULL },
	{ "mathtt", S_FONT, F_TT, NULL },
	{ "max", S_FNLIM, 0, "max" },
	{ "mbox", S_TEXT, F_NONE, NULL },
	{ "measuredangle", S_MI, 0, "∡" },
	{ "medspace", S_SPACE, 0, "0.2222em" },
	{ "mho", S_MI, 0, "℧" },
	{ "mid", S_MO, 0, "∣" },
	{ "middle", S_CMD, C_MIDDLE, NULL },
	{ "min", S_FNLIM, 0, "min" },
	{ "mod", S_CMD, C_MOD, NULL },
	{ "models", S_MO, 0, "⊨" },
	{ "mp", S_MO, 0, "∓" },
	{ "mu", S_MI, 0, "μ" },
	{ "nabla", S_MIN, 0, "∇" },
	{ "natural", S_MI, 0, "♮" },
	{ "ncong", S_MO, 0, "≇" },
	{ "ne", S_MO, 0, "≠" },
	{ "nearrow", S_MO, 0, "↗" },
	{ "neg", S_MO, 0, "¬" },
	{ "negthinspace", S_SPACE, 0, "-0.1667em" },
	{ "neq", S_MO, 0, "≠" },
	{ "nequiv", S_MO, 0, "≢" },
	{ "nexists", S_MI, 0, "∄" },
	{ "ngeq", S_MO, 0, "≱" },
	{ "ngtr", S_MO, 0, "≯" },
	{ "ni", S_MO, 0, "∋" },
	{ "nleq", S_MO, 0, "≰" },
	{ "nless", S_MO, 0, "≮" },
	{ "nmid", S_MO, 0, "∤" },
	{ "nolimits", S_LIMITS, 0, NULL },
	{ "nonumber", S_CMD, C_IGNORE, NULL },
	{ "not", S_CMD, C_NOT, NULL },
	{ "notag", S_CMD, C_IGNORE, NULL },
	{ "notin", S_MO, 0, "∉" },
	{ "nparallel", S_MO, 0, "∦" },
	{ "nsim", S_MO, 0, "≁" },
	{ "nsubseteq", S_MO, 0, "⊈" },
	{ "nsupseteq", S_MO, 0, "⊉" },
	{ "nu", S_MI, 0, "ν" },
	{ "nwarrow", S_MO, 0, "↖" },
	{ "odot", S_MO, 0, "⊙" },
	{ "oiiint", S_INT, 0, "∰" },
	{ "oiint", S_INT, 0, "∯" },
	{ "oint", S_INT, 0, "∮" },
	{ "omega", S_MI, 0, "ω" },
	{ "omicron", S_MI, 0, "ο" },
	{ "ominus", S_MO, 0, "⊖" },
	{ "operatorname", S_CMD, C_OPNAME, NULL },
	{ "oplus", S_MO, 0, "⊕" },
	{ "oslash", S_MO, 0, "⊘" },
	{ "otimes", S_MO, 0, "⊗" },
	{ "overbrace", S_ACCENT, A_STRETCH | A_LIMITS, "⏞" },
	{ "overleftarrow", S_ACCENT, A_STRETCH, "←" },
	{ "overleftrightarrow", S_ACCENT, A_STRETCH, "↔" },
	{ "overline", S_ACCENT, A_STRETCH, "‾" },
	{ "overrightarrow", S_ACCENT, A_STRETCH, "→" },
	{ "overset", S_CMD, C_OVERSET, NULL },
	{ "owns", S_MO, 0, "∋" },
	{ "parallel", S_MO, 0, "∥" },
	{ "partial", S_MI, 0, "∂" },
	{ "perp", S_MO, 0, "⊥" },
	{ "phantom", S_CMD, C_PHANTOM, NULL },
	{ "phi", S_MI, 0, "ϕ" },
	{ "pi", S_MI, 0, "π" },
	{ "pm", S_MO, 0, "±" },
	{ "pmod", S_CMD, C_PMOD, NULL },
	{ "prec", S_MO, 0, "≺" },
	{ "preceq", S_MO, 0, "⪯" },
	{ "prime", S_MI, 0, "′" },
	{ "prod", S_BIG, 0, "∏" },
	{ "propto", S_MO, 0, "∝" },
	{ "psi", S_MI, 0, "ψ" },
	{ "qquad", S_SPACE, 0, "2em" },
	{ "quad", S_SPACE, 0, "1em" },
	{ "rVert", S_FENCE, 0, "‖" },
	{ "rangle", S_FENCE, 0, "⟩" },
	{ "rbrace", S_FENCE, 0, "}" },
	{ "rbrack", S_FENCE, 0, "]" },
	{ "rceil", S_FENCE, 0, "⌉" },
	{ "rfloor", S_FENCE, 0, "⌋" },
	{ "rho", S_MI, 0, "ρ" },
	{ "right", S_CMD, C_RIGHT, NULL },
	{ "rightarrow", S_MO, 0, "→" },
	{ "rightharpoondown", S_MO, 0, "⇁" },
	{ "rightharpoonup", S_MO, 0, "⇀" },
	{ "rightleftharpoons", S_MO, 0, "⇌" },
	{ "rightrightarrows", S_MO, 0, "⇉" },
	{ "rightsquigarrow", S_MO, 0, "⇝" },
	{ "rm", S_FONTSW, F_RM, NULL },
	{ "rrbracket", S_FENCE, 0, "⟧" },
	{ "rtimes", S_MO, 0, "⋊" },
	{ "rvert", S_FENCE, 0, "|" },
	{ "scriptstyle", S_STYLE, 2, NULL },
	{ "searrow", S_MO, 0, "↘" },
	{ "sec", S_FN, 0, "sec" },
	{ "setminus", S_MO, 0, "∖" },
	{ "sf", S_FONTSW, F_SF, NULL },
	{ "sharp", S_MI, 0, "♯" },
	{ "sigma", S_MI, 0, "σ" },
	{ "sim", S_MO, 0, "∼" },
	{ "simeq", S_MO, 0, "≃" },
	{ "sin", S_FN, 0, "sin" },
	{ "sinh", S_FN, 0, "sinh" },
	{ "smile", S_MO, 0, "⌣" },
	{ "spadesuit", S_MI, 0, "♠" },
	{ "sqcap", S_MO, 0, "⊓" },
	{ "sqcup", S_MO, 0, "⊔" },
	{ "sqrt", S_CMD, C_SQRT, NULL },
	{ "sqsubset", S_MO, 0, "⊏" },
	{ "sqsubseteq", S_MO, 0, "⊑" },
	{ "sqsupset", S_MO, 0, "⊐" },
	{ "sqsupseteq", S_MO, 0, "⊒" },
	{ "square", S_MI, 0, "□" },
	{ "stackrel", S_CMD, C_OVERSET, NULL },
	{ "star", S_MO, 0, "⋆" },
	{ "subset", S_MO, 0, "⊂" },
	{ "subseteq", S_MO, 0, "⊆" },
	{ "subsetneq", S_MO, 0, "⊊" },
	{ "succ", S_MO, 0, "≻" },
	{ "succeq", S_MO, 0, "⪰" },
	{ "sum", S_BIG, 0, "∑" },
	{ "sup", S_FNLIM, 0, "sup" },
	{ "supset", S_MO, 0, "⊃" },
	{ "supseteq", S_MO, 0, "⊇" },
	{ "supsetneq", S_MO, 0, "⊋" },
	{ "surd", S_MI, 0, "√" },
	{ "swarrow", S_MO, 0, "↙" },
	{ "tan", S_FN, 0, "tan" },
	{ "tanh", S_FN, 0, "tanh" },
	{ "tau", S_MI, 0, "τ" },
	{ "tbinom", S_CMD, C_TBINOM, NULL },
	{ "text", S_TEXT, F_NONE, NULL },
	{ "textbf", S_TEXT, F_BF, NULL },
	{ "textcolor", S_CMD, C_TEXTCOLOR, NULL },
	{ "textit", S_TEXT, F_IT, NULL },
	{ "textnormal", S_TEXT, F_NONE, NULL },
	{ "textrm", S_TEXT, F_NONE, NULL },
	{ "textsf", S_TEXT, F_SF, NULL },
	{ "textstyle", S_STYLE, 0, NULL },
	{ "texttt", S_TEXT, F_TT, NULL },
	{ "tfrac", S_CMD, C_TFRAC, NULL },
	{ "therefore", S_MO, 0, "∴" },
	{ "theta", S_MI, 0, "θ" },
	{ "thickspace", S_SPACE, 0, "0.2778em" },
	{ "thinspace", S_SPACE, 0, "0.1667em" },
	{ "tilde", S_ACCENT, 0, "~" },
	{ "times", S_MO, 0, "×" },
	{ "to", S_MO, 0, "→" },
	{ "top", S_MI, 0, "⊤" },
	{ "triangle", S_MI, 0, "△" },
	{ "triangleleft", S_MO, 0, "◃" },
	{ "triangleq", S_MO, 0, "≜" },
	{ "triangleright", S_MO, 0, "▹" },
	{ "tt", S_FONTSW, F_TT, NULL },
	{ "underbrace", S_ACCENT, A_UNDER | A_STRETCH | A_LIMITS, "⏟" },
	{ "underline", S_ACCENT, A_UNDER | A_STRETCH, "_" },
	{ "underset", S_CMD, C_UNDERSET, NULL },
	{ "uparrow", S_FENCE, 0, "↑" },
	{ "updownarrow", S_FENCE, 0, "↕" },
	{ "uplus", S_MO, 0, "⊎" },
	{ "upsilon", S_MI, 0, "υ" },
	{ "vDash", S_MO, 0, "⊨" },
	{ "varepsilon", S_MI, 0, "ε" },
	{ "varkappa", S_MI, 0, "ϰ" },
	{ "varnothing", S_MI, 0, "∅" },
	{ "varphi", S_MI, 0, "φ" },
	{ "varpi", S_MI, 0, "ϖ" },
	{ "varpropto", S_MO, 0, "∝" },
	{ "varrho", S_MI, 0, "ϱ" },
	{ "varsigma", S_MI, 0, "ς" },
	{ "vartheta", S_MI, 0, "ϑ" },
	{ "vdash", S_MO, 0, "⊢" },
	{ "vdots", S_MO, 0, "⋮" },
	{ "vec", S_ACCENT, 0, "→" },
	{ "vee", S_MO, 0, "∨" },
	{ "vert", S_FENCE, 0, "|" },
	{ "wedge", S_MO, 0, "∧" },
	{ "widecheck", S_ACCENT, A_STRETCH, "ˇ" },
	{ "widehat", S_ACCENT, A_STRETCH, "^" },
	{ "widetilde", S_ACCENT, A_STRETCH, "~" },
	{ "wp", S_MI, 0, "℘" },
	{ "wr", S_MO, 0, "≀" },
	{ "xi", S_MI, 0, "ξ" },
	{ "xleftarrow", S_CMD, C_XLEFT, NULL },
	{ "xrightarrow", S_CMD, C_XRIGHT, NULL },
	{ "zeta", S_MI, 0, "ζ" },
	{ "{", S_FENCE, 0, "{" },
	{ "|", S_FENCE, 0, "‖" },
	{ "}", S_FENCE, 0, "}" },
	/* table:end */
};

/* How an environment lays out its cells. */
enum align { AL_CENTER, AL_RL, AL_LEFT, AL_ARRAY };

struct env {
	const char *name;
	const char *open, *close;   /* delimiters around the table, or "" */
	unsigned char align;
	unsigned char display;      /* cells in display style */
};

static const struct env envs[] = {
	{ "Bmatrix", "{", "}", AL_CENTER, 0 },
	{ "Vmatrix", "‖", "‖", AL_CENTER, 0 },
	{ "align", "", "", AL_RL, 1 },
	{ "align*", "", "", AL_RL, 1 },
	{ "aligned", "", "", AL_RL, 1 },
	{ "array", "", "", AL_ARRAY, 0 },
	{ "bmatrix", "[", "]", AL_CENTER, 0 },
	{ "cases", "{", "", AL_LEFT, 0 },
	{ "dcases", "{", "", AL_LEFT, 1 },
	{ "equation", "", "", AL_CENTER, 1 },
	{ "equation*", "", "", AL_CENTER, 1 },
	{ "gather", "", "", AL_CENTER, 1 },
	{ "gather*", "", "", AL_CENTER, 1 },
	{ "gathered", "", "", AL_CENTER, 1 },
	{ "matrix", "", "", AL_CENTER, 0 },
	{ "pmatrix", "(", ")", AL_CENTER, 0 },
	{ "rcases", "", "}", AL_LEFT, 0 },
	{ "split", "", "", AL_RL, 1 },
	{ "vmatrix", "|", "|", AL_CENTER, 0 },
};

/* The rows of a `\\` outside any environment. */
static const struct env top_gathered = { "", "", "", AL_CENTER, 1 };
static const struct env top_aligned = { "", "", "", AL_RL, 1 };

#define MAX_COLUMNS 64   /* an array's column specification */

/* Where an expression ends. */
enum end {
	END_TOP,     /* the input's end */
	END_GROUP,   /* '}', consumed */
	END_OPT,     /* ']', consumed (\sqrt's index) */
	END_RIGHT,   /* \right, not consumed */
	END_CELL,    /* &, \\ or \end, not consumed */
	END_ROW,     /* &, \\ or the input's end (rows outside an environment) */
};

enum limits { LIM_NONE, LIM_DISPLAY, LIM_ALWAYS };

struct p {
	const char *s;
	size_t n, i;
	struct buf *out;
	int depth;
	int disp;       /* display style */
	int font;       /* F_*: letters and digits */
	int lefts;      /* \left ... \right open around here (for \middle) */
	int rows;       /* a \\ or & was met outside an environment */
	int unary;      /* the next + - ± ∓ follows an operator: a sign */
};

/* What a base told its scripts. */
struct base {
	int lim;        /* LIM_*: where limits go */
	int fn;         /* an operator name: function application follows */
};

/* ---- output ---- */

static void put(struct p *p, const char *s)
{
	buf_puts(p->out, s);
}

static void put_cp(struct buf *out, unsigned cp)
{
	char u[4];
	size_t k;

	if (cp < 0x80) {
		u[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	buf_append(out, u, k);
}

/* The code point at s[0, n) (n > 0), its length in *len: U+FFFD for a
 * byte that does not start valid UTF-8 (length 1) and for what HTML text
 * must not hold (controls but tab, newline and carriage return;
 * noncharacters). */
static unsigned decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[0], cp, min, need;

	*len = 1;
	if (c < 0x80)
		return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F ? 0xFFFD : c;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, min = 0x80, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, min = 0x800, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, min = 0x10000, cp = c & 0x07;
	else
		return 0xFFFD;
	if (n <= need)
		return 0xFFFD;
	for (unsigned k = 1; k <= need; k++) {
		if ((u[k] & 0xC0) != 0x80)
			return 0xFFFD;
		cp = cp << 6 | (u[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0xFFFD;
	*len = need + 1;
	if (cp <= 0x9F || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
		return 0xFFFD;
	return cp;
}

void tex_mathml_escape(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, from = 0;

	if (!n)
		return;   /* s may be NULL then */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;
		size_t len = 1;
		unsigned cp;

		if (c >= 0x20 && c < 0x7F) {
			switch (c) {
			case '&': e = "&amp;"; break;
			case '<': e = "&lt;"; break;
			case '>': e = "&gt;"; break;
			case '"': e = "&quot;"; break;
			default: i++; continue;
			}
		} else {
			cp = decode(s + i, n - i, &len);
			if (cp != 0xFFFD || (len == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)) {
				i += len;
				continue;
			}
		}
		buf_append(out, s + from, i - from);
		if (e)
			buf_puts(out, e);
		else
			put_cp(out, 0xFFFD);
		i += len;
		from = i;
	}
	buf_append(out, s + from, n - from);
}

/* <tag attrs>text</tag>, the text escaped. */
static void token(struct p *p, const char *tag, const char *attrs, const char *text, size_t n)
{
	buf_putc(p->out, '<');
	put(p, tag);
	if (attrs) {
		buf_putc(p->out, ' ');
		put(p, attrs);
	}
	buf_putc(p->out, '>');
	tex_mathml_escape(p->out, text, n);
	put(p, "</");
	put(p, tag);
	buf_putc(p->out, '>');
}

static void mo(struct p *p, const char *attrs, const char *text)
{
	token(p, "mo", attrs, text, strlen(text));
}

/* Put s in front of what out holds from at. */
static void insert(struct buf *out, size_t at, const char *s)
{
	size_t k = strlen(s);
	buf_reserve(out, k);
	memmove(out->data + at + k, out->data + at, out->len - at + 1);
	memcpy(out->data + at, s, k);
	out->len += k;
}

/* ---- fonts: the Unicode mathematical alphanumerics ---- */

static const struct { unsigned upper, lower, digit, gupper, glower; } alphabets[] = {
	[F_BF] = { 0x1D400, 0x1D41A, 0x1D7CE, 0x1D6A8, 0x1D6C2 },
	[F_IT] = { 0x1D434, 0x1D44E, 0, 0x1D6E2, 0x1D6FC },
	[F_BI] = { 0x1D468, 0x1D482, 0x1D7CE, 0x1D71C, 0x1D736 },
	[F_BB] = { 0x1D538, 0x1D552, 0x1D7D8, 0, 0 },
	[F_CAL] = { 0x1D49C, 0x1D4B6, 0, 0, 0 },
	[F_FRAK] = { 0x1D504, 0x1D51E, 0, 0, 0 },
	[F_SF] = { 0x1D5A0, 0x1D5BA, 0x1D7E2, 0, 0 },
	[F_TT] = { 0x1D670, 0x1D68A, 0x1D7F6, 0, 0 },
};

/* Letters that Unicode had before the block, so the block has holes. */
static const struct { unsigned char font; char c; unsigned cp; } holes[] = {
	{ F_IT, 'h', 0x210E },
	{ F_CAL, 'B', 0x212C }, { F_CAL, 'E', 0x2130 }, { F_CAL, 'F', 0x2131 },
	{ F_CAL, 'H', 0x210B }, { F_CAL, 'I', 0x2110 }, { F_CAL, 'L', 0x2112 },
	{ F_CAL, 'M', 0x2133 }, { F_CAL, 'R', 0x211B }, { F_CAL, 'e', 0x212F },
	{ F_CAL, 'g', 0x210A }, { F_CAL, 'o', 0x2134 },
	{ F_FRAK, 'C', 0x212D }, { F_FRAK, 'H', 0x210C }, { F_FRAK, 'I', 0x2111 },
	{ F_FRAK, 'R', 0x211C }, { F_FRAK, 'Z', 0x2128 },
	{ F_BB, 'C', 0x2102 }, { F_BB, 'H', 0x210D }, { F_BB, 'N', 0x2115 },
	{ F_BB, 'P', 0x2119 }, { F_BB, 'Q', 0x211A }, { F_BB, 'R', 0x211D },
	{ F_BB, 'Z', 0x2124 },
};

/* cp in font (an ASCII letter or digit, or a Greek letter), or 0 when the
 * font has no such character. */
static unsigned styled(int font, unsigned cp)
{
	unsigned base = 0, off = 0;

	if (font <= F_RM)
		return 0;
	if (cp >= 'A' && cp <= 'Z')
		base = alphabets[font].upper, off = cp - 'A';
	else if (cp >= 'a' && cp <= 'z')
		base = alphabets[font].lower, off = cp - 'a';
	else if (cp >= '0' && cp <= '9')
		base = alphabets[font].digit, off = cp - '0';
	else if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		base = alphabets[font].gupper, off = cp - 0x391;
	else if (cp >= 0x3B1 && cp <= 0x3C9)
		base = alphabets[font].glower, off = cp - 0x3B1;
	if (!base)
		return 0;
	for (size_t k = 0; k < COUNTOF(holes); k++)
		if (holes[k].font == font && (unsigned char)holes[k].c == cp)
			return holes[k].cp;
	return base + off;
}

/* An identifier of one or more characters: in the current font when it
 * has them, upright for \mathrm (or when upright), else as the browser
 * shows <mi> (a single letter italic). */
static void ident(struct p *p, const char *text, size_t n, int upright)
{
	size_t len;
	unsigned cp = decode(text, n, &len), st;

	if (len == n && (st = styled(p->font, cp)) != 0) {
		put(p, "<mi>");
		put_cp(p->out, st);
		put(p, "</mi>");
		return;
	}
	token(p, "mi", (upright || p->font == F_RM) && len == n ? "mathvariant=\"normal\"" : NULL,
	      text, n);
}

/* A number's digits (and its points) in the current font. */
static void number(struct p *p, const char *s, size_t n)
{
	put(p, "<mn>");
	for (size_t k = 0; k < n; k++) {
		unsigned st = styled(p->font, (unsigned char)s[k]);
		if (st)
			put_cp(p->out, st);
		else
			buf_putc(p->out, s[k]);
	}
	put(p, "</mn>");
}

/* ---- reading ---- */

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip white space and % comments. */
static void skip_ws(struct p *p)
{
	while (p->i < p->n) {
		char c = p->s[p->i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
			p->i++;
		else if (c == '%')
			while (p->i < p->n && p->s[p->i] != '\n')
				p->i++;
		else
			break;
	}
}

/* The length of the command name at s[i] (a backslash): its letters, or
 * its one other character; 0 at the input's end. */
static size_t cmd_len(const struct p *p, size_t i)
{
	size_t j = i + 1;

	if (j >= p->n)
		return 0;
	if (!is_alpha(p->s[j]))
		return 1;
	while (j < p->n && is_alpha(p->s[j]))
		j++;
	return j - i - 1;
}

/* 1 if the command \name is next. */
static int at_cmd(const struct p *p, const char *name)
{
	size_t k = strlen(name);
	return p->i < p->n && p->s[p->i] == '\\' && cmd_len(p, p->i) == k &&
	       memcmp(p->s + p->i + 1, name, k) == 0;
}

static const struct sym *lookup(const char *name, size_t len)
{
	size_t lo = 0, hi = COUNTOF(syms);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(syms[mid].name, name, len);
		if (c == 0 && syms[mid].name[len])
			c = 1;
		if (c == 0)
			return &syms[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The command at p->i (a backslash), moving past it; NULL (an error) when
 * it is not in the table. */
static const struct sym *read_sym(struct p *p)
{
	size_t k = cmd_len(p, p->i);
	const struct sym *sym;

	if (!k)
		return NULL;
	sym = lookup(p->s + p->i + 1, k);
	p->i += k + 1;
	return sym;
}

/* A braced word (an environment's name, a colour): its text in *w, *len;
 * no braces inside. -1 if there is none. */
static int read_word(struct p *p, const char **w, size_t *len)
{
	size_t j;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '{')
		return -1;
	for (j = p->i + 1; j < p->n && p->s[j] != '}'; j++)
		if (p->s[j] == '{' || p->s[j] == '\\')
			return -1;
	if (j >= p->n)
		return -1;
	*w = p->s + p->i + 1;
	*len = j - p->i - 1;
	p->i = j + 1;
	return 0;
}

/* Skip an optional [..] (a colour model, a row's spacing); no brackets or
 * braces inside. -1 if it is not closed. */
static int skip_opt(struct p *p)
{
	size_t j;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '[')
		return 0;
	for (j = p->i + 1; j < p->n && p->s[j] != ']'; j++)
		if (p->s[j] == '[' || p->s[j] == '{' || p->s[j] == '}')
			return -1;
	if (j >= p->n)
		return -1;
	p->i = j + 1;
	return 0;
}

/* The delimiter after \left, \right, \middle or \big: its text in *d
 * ("" for '.'). -1 when what follows is not one. */
static int read_delim(struct p *p, const char **d)
{
	static const char *const chars[] = { "(", ")", "[", "]", "|", "/" };
	const struct sym *sym;
	char c;

	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	c = p->s[p->i];
	if (c == '\\') {
		sym = read_sym(p);
		if (!sym || sym->kind != S_FENCE)
			return -1;
		*d = sym->text;
		return 0;
	}
	p->i++;
	if (c == '.') {
		*d = "";
		return 0;
	}
	if (c == '<' || c == '>') {
		*d = c == '<' ? "⟨" : "⟩";
		return 0;
	}
	for (size_t k = 0; k < COUNTOF(chars); k++)
		if (chars[k][0] == c) {
			*d = chars[k];
			return 0;
		}
	return -1;
}

/* ---- parsing ---- */

static int parse_expr(struct p *p, enum end end);
static int parse_base(struct p *p, int single, struct base *b);

/* A group's contents or a single token (an argument without braces): the
 * number of elements written, or -1. */
static int parse_body(struct p *p)
{
	struct base b;
	int k;

	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	if (p->s[p->i] == '{') {
		p->i++;
		return parse_expr(p, END_GROUP);
	}
	if (++p->depth > TEX_MATHML_MAX_DEPTH)
		return -1;
	k = parse_base(p, 1, &b);
	p->depth--;
	return k;
}

/* Make what out holds from start one element: an <mrow> around it unless
 * it is one (k elements) already. */
static void one_element(struct buf *out, size_t start, int k)
{
	if (k != 1) {
		insert(out, start, "<mrow>");
		buf_puts(out, "</mrow>");
	}
}

/* One argument, a group or a single token, written as one element. */
static int parse_arg(struct p *p)
{
	size_t start = p->out->len;
	int k = parse_body(p);

	if (k < 0)
		return -1;
	one_element(p->out, start, k);
	return 1;
}

/* An argument parsed in text style (a script, a fraction's part). */
static int parse_arg_text(struct p *p)
{
	int disp = p->disp, k;

	p->disp = 0;
	k = parse_arg(p);
	p->disp = disp;
	return k;
}

/* An argument into b instead of the output. */
static int parse_arg_into(struct p *p, struct buf *b, int text)
{
	struct buf *o = p->out;
	int k;

	p->out = b;
	k = text ? parse_arg_text(p) : parse_arg(p);
	p->out = o;
	return k;
}

/* \frac and its kin. */
static int parse_frac(struct p *p, int cmd)
{
	int binom = cmd == C_BINOM || cmd == C_DBINOM || cmd == C_TBINOM;
	int style = cmd == C_DFRAC || cmd == C_DBINOM ? 1 : cmd == C_TFRAC || cmd == C_TBINOM ? 0 : -1;

	if (style >= 0)
		put(p, style ? "<mstyle displaystyle=\"true\">" : "<mstyle displaystyle=\"false\">");
	if (binom)
		put(p, "<mrow><mo stretchy=\"true\">(</mo><mfrac linethickness=\"0\">");
	else
		put(p, "<mfrac>");
	if (parse_arg_text(p) < 0 || parse_arg_text(p) < 0)
		return -1;
	put(p, binom ? "</mfrac><mo stretchy=\"true\">)</mo></mrow>" : "</mfrac>");
	if (style >= 0)
		put(p, "</mstyle>");
	return 1;
}

/* An optional argument [...] into b as one element, in text style: 1, or
 * 0 when there is none, or -1. */
static int parse_opt(struct p *p, struct buf *b)
{
	struct buf *o = p->out;
	int k, disp = p->disp;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '[')
		return 0;
	p->i++;
	p->out = b;
	p->disp = 0;
	k = parse_expr(p, END_OPT);
	if (k >= 0)
		one_element(b, 0, k);
	p->out = o;
	p->disp = disp;
	return k < 0 ? -1 : 1;
}

/* \sqrt{x} and \sqrt[n]{x}. */
static int parse_sqrt(struct p *p)
{
	struct buf index = BUF_INIT;
	int k = parse_opt(p, &index);

	if (k > 0) {
		put(p, "<mroot>");
		k = parse_arg(p);
		buf_append(p->out, index.data, index.len);
		put(p, "</mroot>");
	} else if (k == 0) {
		put(p, "<msqrt>");
		k = parse_body(p);
		put(p, "</msqrt>");
	}
	buf_free(&index);
	return k < 0 ? -1 : 1;
}

/* \left D ... \right D. */
static int parse_left(struct p *p)
{
	const char *d;
	int k;

	if (read_delim(p, &d) < 0)
		return -1;
	put(p, "<mrow>");
	if (*d)
		mo(p, "stretchy=\"true\"", d);
	p->lefts++;
	k = parse_expr(p, END_RIGHT);
	p->lefts--;
	if (k < 0 || !at_cmd(p, "right"))
		return -1;
	p->i += 6;
	if (read_delim(p, &d) < 0)
		return -1;
	if (*d)
		mo(p, "stretchy=\"true\"", d);
	put(p, "</mrow>");
	return 1;
}

/* \big( and its kin: a delimiter of a fixed size. */
static int parse_bigd(struct p *p, int size)
{
	static const char *const attrs[] = {
		"stretchy=\"true\" minsize=\"1.2em\" maxsize=\"1.2em\"",
		"stretchy=\"true\" minsize=\"1.623em\" maxsize=\"1.623em\"",
		"stretchy=\"true\" minsize=\"2.047em\" maxsize=\"2.047em\"",
		"stretchy=\"true\" minsize=\"2.470em\" maxsize=\"2.470em\"",
	};
	const char *d;

	if (read_delim(p, &d) < 0)
		return -1;
	if (!*d)
		return 0;
	mo(p, attrs[size], d);
	return 1;
}

/* The alignment of column col: "left", "right" or NULL (centred). */
static const char *column_align(const struct env *e, const char *spec, size_t ncols, size_t col)
{
	switch (e->align) {
	case AL_RL:
		return col % 2 ? "left" : "right";
	case AL_LEFT:
		return "left";
	case AL_ARRAY:
		if (col < ncols && spec[col] != 'c')
			return spec[col] == 'l' ? "left" : "right";
		return NULL;
	default:
		return NULL;
	}
}

/* Skip white space and \hline. */
static void skip_hlines(struct p *p)
{
	for (;;) {
		skip_ws(p);
		if (at_cmd(p, "hline"))
			p->i += 6;
		else
			return;
	}
}

/* The rows of a table up to \end (or, for rows outside an environment,
 * the input's end) as <mtr>s; \\ ends a row, & a cell. */
static int parse_rows(struct p *p, const struct env *e, const char *spec, size_t ncols, enum end end)
{
	int disp = p->disp;

	p->disp = e->display;
	for (;;) {
		skip_hlines(p);
		if (p->i >= p->n ? end == END_ROW : at_cmd(p, "end"))
			break;
		put(p, "<mtr>");
		for (size_t col = 0;; col++) {
			const char *al = column_align(e, spec, ncols, col);
			put(p, "<mtd");
			if (al) {
				put(p, " columnalign=\"");
				put(p, al);
				buf_putc(p->out, '"');
			}
			/* An empty identifier first, so that a relation opening
			 * the right-hand column keeps its spaces. */
			put(p, e->align == AL_RL && col % 2 ? "><mi></mi>" : ">");
			if (parse_expr(p, end) < 0)
				return -1;
			put(p, "</mtd>");
			if (p->i < p->n && p->s[p->i] == '&') {
				p->i++;
				continue;
			}
			break;
		}
		put(p, "</mtr>");
		if (p->i + 1 < p->n && p->s[p->i] == '\\' && p->s[p->i + 1] == '\\') {
			p->i += 2;
			if (skip_opt(p) < 0)
				return -1;
			continue;
		}
		break;
	}
	p->disp = disp;
	return 0;
}

/* \begin{NAME} ... \end{NAME}. */
static int parse_env(struct p *p)
{
	const struct env *e = NULL;
	const char *name, *w;
	size_t len, wlen, ncols = 0;
	char spec[MAX_COLUMNS];

	if (read_word(p, &name, &len) < 0)
		return -1;
	for (size_t k = 0; k < COUNTOF(envs); k++)
		if (strlen(envs[k].name) == len && memcmp(envs[k].name, name, len) == 0)
			e = &envs[k];
	if (!e)
		return -1;
	if (e->align == AL_ARRAY) {
		if (read_word(p, &w, &wlen) < 0)
			return -1;
		for (size_t k = 0; k < wlen; k++) {
			if (w[k] == 'l' || w[k] == 'c' || w[k] == 'r') {
				if (ncols == MAX_COLUMNS)
					return -1;
				spec[ncols++] = w[k];
			} else if (w[k] != '|' && w[k] != ' ') {
				return -1;
			}
		}
	}
	if (*e->open || *e->close)
		put(p, "<mrow>");
	if (*e->open)
		mo(p, "stretchy=\"true\"", e->open);
	put(p, e->display ? "<mtable displaystyle=\"true\">" : "<mtable>");
	if (parse_rows(p, e, spec, ncols, END_CELL) < 0)
		return -1;
	p->i += 4;   /* \end: parse_rows stopped at it */
	if (read_word(p, &w, &wlen) < 0 || wlen != len || memcmp(w, name, len) != 0)
		return -1;
	put(p, "</mtable>");
	if (*e->close)
		mo(p, "stretchy=\"true\"", e->close);
	if (*e->open || *e->close)
		put(p, "</mrow>");
	return 1;
}

/* \text{...}: its characters as <mtext>, in font. Braces inside group;
 * the escaped specials are themselves; any other command is an error.
 * White space is one space, and a no-break space at either end (a
 * browser would drop it there). */
static int parse_text(struct p *p, int font)
{
	int depth = 0, saved = p->font, any = 0;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '{')
		return -1;
	p->i++;
	p->font = font;
	put(p, "<mtext>");
	for (;;) {
		char c;
		if (p->i >= p->n)
			return -1;
		c = p->s[p->i];
		if (c == '}' && depth == 0) {
			p->i++;
			break;
		}
		if (c == '{' || c == '}') {
			depth += c == '{' ? 1 : -1;
			p->i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~') {
			int nbsp = c == '~' || !any;
			while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
					       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
				p->i++;
			if (c == '~')
				p->i++;
			if (p->i < p->n && p->s[p->i] == '}' && depth == 0)
				nbsp = 1;
			put(p, nbsp ? "&#xA0;" : " ");
			any = 1;
			continue;
		}
		if (c == '$' || c == '^' || c == '_' || c == '&' || c == '#')
			return -1;
		if (c == '\\') {
			if (p->i + 1 >= p->n || !strchr("{}$%&_# ", p->s[p->i + 1]) || !p->s[p->i + 1])
				return -1;
			p->i++;
			c = p->s[p->i];
			if (c == ' ') {
				put(p, "&#xA0;");
				p->i++;
				any = 1;
				continue;
			}
		}
		if (styled(p->font, (unsigned char)c)) {
			put_cp(p->out, styled(p->font, (unsigned char)c));
			p->i++;
		} else {
			size_t len;
			decode(p->s + p->i, p->n - p->i, &len);
			tex_mathml_escape(p->out, p->s + p->i, len);
			p->i += len;
		}
		any = 1;
	}
	put(p, "</mtext>");
	p->font = saved;
	return 1;
}

/* \not R: R struck through. */
static int parse_not(struct p *p)
{
	static const struct { const char *rel, *neg; } table[] = {
		{ "=", "≠" }, { "<", "≮" }, { ">", "≯" }, { "∈", "∉" }, { "⊂", "⊄" },
		{ "⊃", "⊅" }, { "⊆", "⊈" }, { "⊇", "⊉" }, { "≡", "≢" }, { "∼", "≁" },
		{ "≈", "≉" }, { "≅", "≇" }, { "≤", "≰" }, { "≥", "≱" }, { "∣", "∤" },
		{ "∥", "∦" }, { "∋", "∌" }, { "∃", "∄" },
	};
	char one[2] = { 0, 0 };
	const char *rel;
	struct buf b = BUF_INIT;

	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	if (p->s[p->i] == '\\') {
		const struct sym *sym = read_sym(p);
		if (!sym || !sym->text || (sym->kind != S_MO && sym->kind != S_MI))
			return -1;
		rel = sym->text;
	} else if (strchr("=<>", p->s[p->i]) && p->s[p->i]) {
		one[0] = p->s[p->i++];
		rel = one;
	} else {
		return -1;
	}
	for (size_t k = 0; k < COUNTOF(table); k++)
		if (strcmp(table[k].rel, rel) == 0) {
			mo(p, NULL, table[k].neg);
			return 1;
		}
	buf_puts(&b, rel);
	buf_puts(&b, "\xCC\xB8");   /* U+0338, combining long solidus overlay */
	mo(p, NULL, buf_str(&b));
	buf_free(&b);
	return 1;
}

/* \overset{over}{base}, \underset{under}{base}, \stackrel; \xrightarrow[under]{over}. */
static int parse_over(struct p *p, int cmd)
{
	struct buf first = BUF_INIT;
	int k;

	if (cmd == C_XRIGHT || cmd == C_XLEFT) {
		k = parse_opt(p, &first);
		put(p, k > 0 ? "<munderover>" : "<mover>");
		mo(p, "stretchy=\"true\"", cmd == C_XRIGHT ? "⟶" : "⟵");
		if (first.len)
			buf_append(p->out, first.data, first.len);
		if (k >= 0)
			k = parse_arg_text(p);
		put(p, first.len ? "</munderover>" : "</mover>");
	} else {
		k = parse_arg_into(p, &first, 1);
		put(p, cmd == C_UNDERSET ? "<munder>" : "<mover>");
		if (k >= 0)
			k = parse_arg(p);
		if (first.len)
			buf_append(p->out, first.data, first.len);
		put(p, cmd == C_UNDERSET ? "</munder>" : "</mover>");
	}
	buf_free(&first);
	return k < 0 ? -1 : 1;
}

/* An accent or a brace over (or under) its argument. */
static int parse_accent(struct p *p, const struct sym *sym, struct base *b)
{
	int under = sym->arg & A_UNDER;

	put(p, under ? "<munder accentunder=\"true\">" : "<mover accent=\"true\">");
	if (parse_arg(p) < 0)
		return -1;
	mo(p, sym->arg & A_STRETCH ? "stretchy=\"true\"" : "stretchy=\"false\"", sym->text);
	put(p, under ? "</munder>" : "</mover>");
	if (sym->arg & A_LIMITS)
		b->lim = LIM_ALWAYS;
	return 1;
}

/* A command of kind S_CMD. */
static int parse_cmd(struct p *p, int cmd, struct base *b)
{
	const char *w, *d;
	size_t wlen;
	int k, font = p->font;

	switch (cmd) {
	case C_FRAC: case C_DFRAC: case C_TFRAC: case C_BINOM: case C_DBINOM: case C_TBINOM:
		return parse_frac(p, cmd);
	case C_SQRT:
		return parse_sqrt(p);
	case C_LEFT:
		return parse_left(p);
	case C_MIDDLE:
		if (!p->lefts || read_delim(p, &d) < 0)
			return -1;
		if (!*d)
			return 0;
		mo(p, "stretchy=\"true\"", d);
		return 1;
	case C_BEGIN:
		return parse_env(p);
	case C_OPNAME:
		if (p->i < p->n && p->s[p->i] == '*') {
			p->i++;
			b->lim = LIM_DISPLAY;
		}
		p->font = F_RM;
		k = parse_arg(p);
		p->font = font;
		b->fn = 1;
		return k;
	case C_COLOR:
		return skip_opt(p) < 0 || read_word(p, &w, &wlen) < 0 ? -1 : 0;
	case C_TEXTCOLOR:
		if (skip_opt(p) < 0 || read_word(p, &w, &wlen) < 0)
			return -1;
		return parse_arg(p);
	case C_NOT:
		return parse_not(p);
	case C_OVERSET: case C_UNDERSET: case C_XRIGHT: case C_XLEFT:
		return parse_over(p, cmd);
	case C_BOXED:
		put(p, "<menclose notation=\"box\">");
		if (parse_arg(p) < 0)
			return -1;
		put(p, "</menclose>");
		return 1;
	case C_PHANTOM:
		put(p, "<mphantom>");
		if (parse_arg(p) < 0)
			return -1;
		put(p, "</mphantom>");
		return 1;
	case C_PMOD:
		put(p, "<mspace width=\"1em\"/><mo stretchy=\"false\">(</mo><mi>mod</mi>"
		    "<mspace width=\"0.3333em\"/>");
		if (parse_arg(p) < 0)
			return -1;
		put(p, "<mo stretchy=\"false\">)</mo>");
		return 6;
	case C_BMOD:
		put(p, "<mo>mod</mo>");
		return 1;
	case C_MOD:
		put(p, "<mspace width=\"1em\"/><mi>mod</mi><mspace width=\"0.3333em\"/>");
		return 3;
	case C_IGNORE:
		return 0;
	default:   /* \right, \end out of place */
		return -1;
	}
}

/* A delimiter not stretched: a bar as an identifier, since an operator
 * between two atoms gets spaces (|x| would read "|x |"). */
static void fence(struct p *p, const char *text)
{
	if (strcmp(text, "|") == 0 || strcmp(text, "‖") == 0)
		token(p, "mi", NULL, text, strlen(text));
	else
		mo(p, "stretchy=\"false\"", text);
}

/* Some characters as operators: - is a minus, * an asterisk operator,
 * and the brackets do not stretch unless \left says so. */
static void ascii_op(struct p *p, char c, int unary)
{
	switch (c) {
	case '-': mo(p, unary ? "form=\"prefix\"" : NULL, "−"); break;
	case '+': mo(p, unary ? "form=\"prefix\"" : NULL, "+"); break;
	case '*': mo(p, NULL, "∗"); break;
	case '\'': mo(p, NULL, "′"); break;
	case '(': case ')': case '[': case ']': case '|': {
		char s[2] = { c, 0 };
		fence(p, s);
		break;
	}
	default:
		token(p, "mo", NULL, &c, 1);
	}
}

/* 1 if cp (not ASCII) is an operator rather than an identifier. */
static int is_op(unsigned cp)
{
	return cp == 0xB1 || cp == 0xD7 || cp == 0xF7 || cp == 0xAC || cp == 0xB7 ||
	       (cp >= 0x2190 && cp <= 0x22FF) || (cp >= 0x27C0 && cp <= 0x27FF) ||
	       (cp >= 0x2900 && cp <= 0x2AFF) || (cp >= 0x2010 && cp <= 0x2027);
}

/* A base: one token, group or command, written as elements (their number
 * returned, or -1). single: one character of a number or a word (an
 * argument without braces), and no style switches. */
static int parse_base(struct p *p, int single, struct base *b)
{
	const struct sym *sym;
	int unary = p->unary;
	char c;
	size_t j;

	b->lim = LIM_NONE;
	b->fn = 0;
	p->unary = 0;
	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	c = p->s[p->i];
	if (c == '{')
		return parse_arg(p);
	if (is_digit(c) || (c == '.' && p->i + 1 < p->n && is_digit(p->s[p->i + 1]))) {
		j = p->i + 1;
		while (!single && j < p->n &&
		       (is_digit(p->s[j]) || (p->s[j] == '.' && j + 1 < p->n && is_digit(p->s[j + 1]))))
			j++;
		number(p, p->s + p->i, j - p->i);
		p->i = j;
		return 1;
	}
	if (is_alpha(c)) {
		/* \mathrm{max} is one word; elsewhere each letter is a variable. */
		j = p->i + 1;
		if (p->font == F_RM && !single)
			while (j < p->n && is_alpha(p->s[j]))
				j++;
		ident(p, p->s + p->i, j - p->i, 0);
		p->i = j;
		return 1;
	}
	if (c == '\\') {
		if (p->i + 1 < p->n && p->s[p->i + 1] == '\\')
			return -1;
		sym = read_sym(p);
		if (!sym)
			return -1;
		switch (sym->kind) {
		case S_MI:
		case S_MIN:
			ident(p, sym->text, strlen(sym->text), sym->kind == S_MIN);
			return 1;
		case S_MO:
			mo(p, unary && (!strcmp(sym->text, "±") || !strcmp(sym->text, "∓"))
			      ? "form=\"prefix\"" : NULL, sym->text);
			return 1;
		case S_FENCE:
			fence(p, sym->text);
			return 1;
		case S_BIG:
		case S_INT:
			mo(p, NULL, sym->text);
			b->lim = sym->kind == S_BIG ? LIM_DISPLAY : LIM_NONE;
			return 1;
		case S_FN:
		case S_FNLIM:
			token(p, "mi", NULL, sym->text, strlen(sym->text));
			b->fn = 1;
			b->lim = sym->kind == S_FNLIM ? LIM_DISPLAY : LIM_NONE;
			return 1;
		case S_SPACE:
			put(p, "<mspace width=\"");
			put(p, sym->text);
			put(p, "\"/>");
			return 1;
		case S_ACCENT:
			return parse_accent(p, sym, b);
		case S_FONT: {
			int font = p->font, k;
			p->font = sym->arg;
			k = parse_arg(p);
			p->font = font;
			return k;
		}
		case S_FONTSW:
			if (single)
				return -1;
			p->font = sym->arg;
			return 0;
		case S_TEXT:
			return parse_text(p, sym->arg);
		case S_BIGD:
			return parse_bigd(p, sym->arg);
		case S_CMD:
			return parse_cmd(p, sym->arg, b);
		default:   /* \displaystyle as an argument, \limits without an operator */
			return -1;
		}
	}
	if (c == '~') {
		p->i++;
		put(p, "<mspace width=\"0.3333em\"/>");
		return 1;
	}
	if (c == '}' || c == '&' || c == '^' || c == '_' || c == '#' || c == '$')
		return -1;
	if ((unsigned char)c < 0x80) {
		p->i++;
		if (c == '<' || c == '>' || c == '=' || c == '+' || c == '/' || c == '!' || c == '?' ||
		    c == ',' || c == ';' || c == ':' || c == '.' || c == '@' || c == '"' || c == '`' ||
		    c == '-' || c == '*' || c == '\'' || c == '(' || c == ')' || c == '[' || c == ']' ||
		    c == '|') {
			ascii_op(p, c, unary);
			return 1;
		}
		put(p, "<mi>\xEF\xBF\xBD</mi>");   /* a control character */
		return 1;
	} else {
		size_t len;
		unsigned cp = decode(p->s + p->i, p->n - p->i, &len);
		if (is_op(cp))
			token(p, "mo", NULL, p->s + p->i, len);
		else
			ident(p, p->s + p->i, len, 0);
		p->i += len;
		return 1;
	}
}

/* 1 if what follows an operator name starts a word (\sin x, \log n), where
 * TeX puts a thin space; not a bracket or an operator. */
static int word_follows(struct p *p)
{
	const struct sym *sym;
	size_t i, k;

	skip_ws(p);
	i = p->i;
	if (i >= p->n)
		return 0;
	if (is_alpha(p->s[i]) || is_digit(p->s[i]))
		return 1;
	if (p->s[i] != '\\' || (k = cmd_len(p, i)) == 0)
		return 0;
	sym = lookup(p->s + i + 1, k);
	return sym && (sym->kind == S_MI || sym->kind == S_MIN || sym->kind == S_FONT ||
		       (sym->kind == S_CMD && (sym->arg == C_FRAC || sym->arg == C_SQRT)));
}

/* Primes as one operator: ′ ″ ‴ ⁗, then more ′. */
static void primes(struct p *p, int n)
{
	static const char *const marks[] = { "′", "″", "‴", "⁗" };

	put(p, "<mo>");
	while (n > 4) {
		put(p, marks[3]);
		n -= 4;
	}
	put(p, marks[n - 1]);
	put(p, "</mo>");
}

/* An atom: a base and its scripts (^, _, primes); the number of elements
 * written, or -1. */
static int parse_atom(struct p *p)
{
	struct buf *o = p->out;
	struct buf sub = BUF_INIT, sup = BUF_INIT;
	struct base b = { LIM_NONE, 0 };
	size_t start = o->len;
	int k = 0, nprimes = 0, has_sub = 0, has_sup = 0, rc = 0;
	char c = p->s[p->i];

	if (c != '^' && c != '_' && c != '\'') {
		k = parse_base(p, 0, &b);
		if (k < 0)
			return -1;
	}
	for (;;) {
		skip_ws(p);
		if (p->i >= p->n)
			break;
		c = p->s[p->i];
		if (c == '\'' && !has_sup) {
			nprimes++;
			p->i++;
		} else if (c == '^' || c == '_') {
			int *has = c == '^' ? &has_sup : &has_sub;
			p->i++;
			if (*has || parse_arg_into(p, c == '^' ? &sup : &sub, 1) < 0) {
				rc = -1;
				break;
			}
			*has = 1;
		} else if (at_cmd(p, "limits") || at_cmd(p, "nolimits")) {
			b.lim = p->s[p->i + 1] == 'l' ? LIM_ALWAYS : LIM_NONE;
			p->i += p->s[p->i + 1] == 'l' ? 7 : 9;
		} else {
			break;
		}
	}
	/* Primes follow the base at its size (as a superscript the browser
	 * makes them tiny), and the scripts go on both. */
	if (rc == 0 && nprimes) {
		primes(p, nprimes);
		k++;
	}
	if (rc == 0 && (has_sub || has_sup)) {
		int under = b.lim == LIM_ALWAYS || (b.lim == LIM_DISPLAY && p->disp);
		const char *tag = has_sub && has_sup ? (under ? "munderover" : "msubsup")
				  : has_sub ? (under ? "munder" : "msub") : (under ? "mover" : "msup");
		char open[16];
		one_element(o, start, k);
		open[0] = '<';
		strcpy(open + 1, tag);
		strcat(open, ">");
		insert(o, start, open);
		if (has_sub)
			buf_append(o, sub.data, sub.len);
		if (has_sup)
			buf_append(o, sup.data, sup.len);
		put(p, "</");
		put(p, tag);
		put(p, ">");
		k = 1;
	}
	buf_free(&sub);
	buf_free(&sup);
	if (rc < 0)
		return -1;
	if (b.fn) {
		put(p, "<mo>&#x2061;</mo>");
		k++;
		if (word_follows(p)) {
			put(p, "<mspace width=\"0.1667em\"/>");
			k++;
		}
	}
	return k;
}

/* 1 if out from start holds one operator that leaves the next + or -
 * a sign (=, +, an opening bracket, a comma; not a closing bracket, !,
 * a prime); 2 for a space, which leaves things as they were. */
static int sign_follows(const struct buf *out, size_t start)
{
	static const char *const closers[] = { ")", "]", "}", "⟩", "⌋", "⌉", "⟧", "!", "′", "″", "‴" };
	const char *s = out->data + start, *gt, *end = out->data + out->len;

	if (!strncmp(s, "<mspace", 7))
		return 2;
	if (strncmp(s, "<mo", 3) != 0 || (s[3] != '>' && s[3] != ' ') ||
	    (size_t)(end - s) < 10 || strncmp(end - 5, "</mo>", 5) != 0 ||
	    !(gt = strchr(s, '>')) || memchr(gt, '<', (size_t)(end - 5 - gt)))
		return 0;
	for (size_t k = 0; k < COUNTOF(closers); k++)
		if ((size_t)(end - 5 - gt - 1) == strlen(closers[k]) &&
		    !strncmp(gt + 1, closers[k], strlen(closers[k])))
			return 0;
	return 1;
}

/* Atoms until end; the number of elements written, or -1. */
static int parse_expr(struct p *p, enum end end)
{
	int count = 0, styles = 0, font = p->font, disp = p->disp, sign = 1;

	if (++p->depth > TEX_MATHML_MAX_DEPTH)
		return -1;
	for (;;) {
		size_t start;
		char c;
		int k;

		skip_ws(p);
		if (p->i >= p->n) {
			if (end == END_TOP || end == END_ROW)
				break;
			return -1;
		}
		c = p->s[p->i];
		if (c == '}') {
			if (end != END_GROUP)
				return -1;
			p->i++;
			break;
		}
		if (c == ']' && end == END_OPT) {
			p->i++;
			break;
		}
		if (c == '&') {
			if (end == END_CELL || end == END_ROW)
				break;
			p->rows = end == END_TOP;
			return -1;
		}
		if (c == '\\' && p->i + 1 < p->n && p->s[p->i + 1] == '\\') {
			if (end == END_CELL || end == END_ROW)
				break;
			p->rows = end == END_TOP;
			return -1;
		}
		if (at_cmd(p, "end") && end == END_CELL)
			break;
		if (at_cmd(p, "right") && end == END_RIGHT)
			break;
		if (c == '\\') {
			size_t len = cmd_len(p, p->i);
			const struct sym *sym = len ? lookup(p->s + p->i + 1, len) : NULL;
			if (sym && sym->kind == S_STYLE) {
				/* The rest of the group in that style: one element. */
				p->i += len + 1;
				put(p, sym->arg == 1 ? "<mstyle displaystyle=\"true\">"
				       : sym->arg == 0 ? "<mstyle displaystyle=\"false\">"
				       : "<mstyle displaystyle=\"false\" scriptlevel=\"1\">");
				p->disp = sym->arg == 1;
				if (!styles++)
					count++;
				continue;
			}
		}
		start = p->out->len;
		p->unary = sign;
		k = parse_atom(p);
		if (k < 0)
			return -1;
		if (!styles)
			count += k;
		if (k) {
			int f = k == 1 ? sign_follows(p->out, start) : 0;
			sign = f == 2 ? sign : f;
		}
	}
	while (styles--)
		put(p, "</mstyle>");
	p->font = font;
	p->disp = disp;
	p->depth--;
	return count;
}

int tex_mathml(const char *tex, size_t n, int display, struct buf *out)
{
	struct p p = { .s = tex, .n = n, .out = out, .disp = display != 0 };
	size_t start = out->len, body;
	int rc;

	if ((!tex && n) || n > TEX_MATHML_MAX_INPUT)
		return -1;
	put(&p, display ? "<math display=\"block\"><semantics><mrow>" : "<math><semantics><mrow>");
	body = out->len;
	rc = parse_expr(&p, END_TOP);
	if (rc < 0 && p.rows) {
		/* Rows without an environment: again, as one. */
		out->len = body;
		p.i = 0;
		p.depth = 0;
		p.lefts = 0;
		p.font = F_NONE;
		p.disp = display != 0;
		put(&p, "<mtable displaystyle=\"true\">");
		rc = parse_rows(&p, memchr(tex, '&', n) ? &top_aligned : &top_gathered, NULL, 0, END_ROW);
		if (rc == 0 && p.i < p.n)
			rc = -1;
		put(&p, "</mtable>");
	}
	if (rc < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return -1;
	}
	put(&p, "</mrow><annotation encoding=\"application/x-tex\">");
	tex_mathml_escape(out, tex, n);
	put(&p, "</annotation></semantics></math>");
	return 0;
}
