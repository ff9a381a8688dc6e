package dev.tern.security;

import java.text.Normalizer;

/**
 * A subset of SASLprep (RFC 4013) for SCRAM user names and passwords, enough that any ASCII text and the usual
 * non-ASCII text are prepared exactly as a SASLprep-conforming client prepares them:
 * <ul>
 *   <li>non-ASCII spaces (RFC 3454 C.1.2) become U+0020; characters "commonly mapped to nothing" (B.1: soft hyphen,
 *       zero-width joiners, variation selectors, BOM, ...) are removed;</li>
 *   <li>the result is normalized to NFKC;</li>
 *   <li>prohibited characters are refused: control characters (C.2), private use (C.3), non-characters (C.4),
 *       surrogates (C.5), C.6 to C.9 (e.g. U+FFFD, bidi and tag characters).</li>
 * </ul>
 * Not done: the bidirectional-text checks (RFC 3454 section 6) and the refusal of unassigned code points; a password
 * that needs those may be prepared differently from a client's, and then fails to log in.
 */
public final class SaslPrep {
    private SaslPrep() {
    }

    /**
     * Prepares a string.
     *
     * @throws IllegalArgumentException when it holds a prohibited character, or is empty once prepared
     */
    public static String prepare(String s) {
        StringBuilder mapped = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (mapsToNothing(cp)) {
                continue;
            }
            mapped.appendCodePoint(isNonAsciiSpace(cp) ? ' ' : cp);
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            if (prohibited(cp)) {
                throw new IllegalArgumentException(String.format("character U+%04X is not allowed (SASLprep)", cp));
            }
            i += Character.charCount(cp);
        }
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return normalized;
    }

    /** Whether {@link #prepare} leaves the string as it is (and does not refuse it). */
    public static boolean isPrepared(String s) {
        try {
            return prepare(s).equals(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean mapsToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    private static boolean prohibited(int cp) {
        return cp < 0x20 || cp == 0x7F                                          // C.2.1
                || (cp >= 0x80 && cp <= 0x9F) || cp == 0x06DD || cp == 0x070F   // C.2.2
                || cp == 0x180E || cp == 0x200C || cp == 0x200D || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x2060 && cp <= 0x2063) || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF
                || (cp >= 0xFFF9 && cp <= 0xFFFC) || (cp >= 0x1D173 && cp <= 0x1D17A)
                || (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000                // C.3 (planes 15-16 too)
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE      // C.4
                || (cp >= 0xD800 && cp <= 0xDFFF)                                 // C.5
                || cp == 0xFFFD                                                   // C.6
                || (cp >= 0x2FF0 && cp <= 0x2FFB)                                 // C.7
                || cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E)                                 // C.8
                || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);             // C.9
    }
}
