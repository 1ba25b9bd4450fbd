/* tex_symbols.h — the commands tex_mathml.c knows: what each is (an
 * identifier, an operator, a font, a command with arguments) and the
 * characters it stands for. */
#ifndef CONFAB_TEX_SYMBOLS_H
#define CONFAB_TEX_SYMBOLS_H

#include <stddef.h>

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

struct tex_sym {
	const char *name;
	unsigned char kind, arg;
	const char *text;
};

/* The command \name (len bytes, no backslash), or NULL when unknown. */
const struct tex_sym *tex_sym_lookup(const char *name, size_t len);

#endif
