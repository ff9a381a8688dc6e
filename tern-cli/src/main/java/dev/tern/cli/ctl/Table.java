package dev.tern.cli.ctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows printed as aligned columns under a header, two spaces apart; a column whose cells are all numbers is aligned
 * to the right. Cells are printed as given (null as {@code -}); line breaks in a cell are shown as {@code \n} so that
 * one row stays one line.
 */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(Table::cell).toList());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    private static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        return value.toString().replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    void print(PrintWriter out) {
        int columns = header.size();
        int[] width = new int[columns];
        boolean[] numeric = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            width[c] = header.get(c).length();
            boolean anyNumber = false;
            numeric[c] = true;
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
                boolean number = row.get(c).matches("-?\\d+");
                anyNumber |= number;
                numeric[c] &= number || row.get(c).equals("-");
            }
            numeric[c] &= anyNumber;
        }
        line(out, header, width, numeric);
        for (List<String> row : rows) {
            line(out, row, width, numeric);
        }
    }

    private static void line(PrintWriter out, List<String> cells, int[] width, boolean[] numeric) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            boolean last = c == cells.size() - 1;
            if (c > 0) {
                b.append("  ");
            }
            if (numeric[c]) {
                b.append(" ".repeat(width[c] - cell.length())).append(cell);
            } else {
                b.append(cell);
                if (!last) {
                    b.append(" ".repeat(width[c] - cell.length()));
                }
            }
        }
        out.println(b);
    }
}
