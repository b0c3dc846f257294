package org.ccarm.protocol.tree;

/** What XML 1.0 allows in names and in character data, for trees that did not come from a parser. */
public final class XmlNames {

    private XmlNames() {}

    /** A qualified name: an NCName, optionally prefixed by another and a colon. */
    public static boolean isQName(String name) {
        int colon = name.indexOf(':');
        if (colon < 0) {
            return isNcName(name);
        }
        return isNcName(name.substring(0, colon)) && isNcName(name.substring(colon + 1));
    }

    private static boolean isNcName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        int first = name.codePointAt(0);
        if (!(Character.isLetter(first) || first == '_')) {
            return false;
        }
        return name.codePoints().skip(1).allMatch(c ->
                Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == 0xB7
                        || Character.getType(c) == Character.NON_SPACING_MARK
                        || Character.getType(c) == Character.COMBINING_SPACING_MARK);
    }

    /** True when every character can appear in an XML 1.0 document. */
    public static boolean isXmlText(String text) {
        return text.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD
                || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF));
    }
}
