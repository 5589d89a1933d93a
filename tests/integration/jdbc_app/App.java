// pgjdbc (Debian's libpostgresql-jdbc-java) against the server the PG* variables name, as
// a Java application or tool uses it: DatabaseMetaData (tables, columns with their sizes
// and defaults, primary keys, indexes, foreign keys, schemas, types), prepared inserts
// of every common type run past prepareThreshold (server-side statements, binary
// results) with generated keys, a batch, typed getters, fetch-size cursors, savepoints,
// and the SQLSTATEs of a unique violation and a syntax error. It prints what it sees, one
// line each, so that two servers' outputs can be compared. Run: java -cp postgresql.jar App.java
import java.math.BigDecimal;
import java.sql.*;
import java.util.*;

public class App {
    interface Step { Object run() throws Exception; }

    static void step(String label, Step s) {
        try {
            System.out.println(label + ": " + s.run());
        } catch (Exception e) {
            String state = e instanceof SQLException ? ((SQLException) e).getSQLState() : e.getClass().getName();
            System.out.println(label + ": ERROR " + state);
        }
    }

    static String rows(ResultSet r, String... columns) throws SQLException {
        StringBuilder b = new StringBuilder();
        ResultSetMetaData m = r.getMetaData();
        while (r.next()) {
            b.append("[");
            int n = columns.length > 0 ? columns.length : m.getColumnCount();
            for (int i = 1; i <= n; i++) {
                Object o = columns.length > 0 ? r.getObject(columns[i - 1]) : r.getObject(i);
                if (o instanceof byte[]) o = Arrays.toString((byte[]) o);
                if (o instanceof java.sql.Array) o = Arrays.deepToString((Object[]) ((java.sql.Array) o).getArray());
                b.append(o).append(i < n ? "|" : "");
            }
            b.append("]");
        }
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/"
            + System.getenv("PGDATABASE");
        Connection c = DriverManager.getConnection(url, System.getenv("PGUSER"), System.getenv("PGPASSWORD"));
        String t = System.getenv("TABLE_PREFIX");
        Statement s = c.createStatement();
        s.execute("create table " + t + " (id serial primary key, name varchar(40) not null unique, "
            + "price numeric(10,2), at timestamptz, ok boolean default true, u uuid, doc jsonb, tags text[], "
            + "raw bytea, d date, n bigint)");
        s.execute("create table " + t + "_c (k int generated always as identity primary key, "
            + "pid int references " + t + "(id) on delete cascade, note varchar(20))");
        System.out.println("created");
        DatabaseMetaData md = c.getMetaData();
        step("tables", () -> rows(md.getTables(null, "public", t + "%", new String[]{"TABLE"}),
            "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE"));
        for (String table : new String[]{t, t + "_c"}) {
            step("columns " + table, () -> rows(md.getColumns(null, "public", table, "%"), "COLUMN_NAME", "TYPE_NAME",
                "DATA_TYPE", "COLUMN_SIZE", "DECIMAL_DIGITS", "NULLABLE", "COLUMN_DEF", "IS_AUTOINCREMENT",
                "ORDINAL_POSITION"));
            step("primary key " + table, () -> rows(md.getPrimaryKeys(null, "public", table),
                "COLUMN_NAME", "KEY_SEQ", "PK_NAME"));
            step("indexes " + table, () -> rows(md.getIndexInfo(null, "public", table, false, false),
                "INDEX_NAME", "NON_UNIQUE", "ORDINAL_POSITION", "COLUMN_NAME"));
        }
        step("imported keys", () -> rows(md.getImportedKeys(null, "public", t + "_c"), "PKTABLE_NAME",
            "PKCOLUMN_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "DELETE_RULE", "FK_NAME", "PK_NAME"));
        step("exported keys", () -> rows(md.getExportedKeys(null, "public", t), "FKTABLE_NAME", "FKCOLUMN_NAME",
            "FK_NAME"));
        step("schemas", () -> rows(md.getSchemas(), "TABLE_SCHEM"));
        step("type info", () -> { ResultSet r = md.getTypeInfo(); Set<String> names = new TreeSet<>();
            while (r.next()) names.add(r.getString("TYPE_NAME"));
            return names.containsAll(List.of("int4", "varchar", "numeric", "timestamptz", "uuid", "jsonb")); });
        PreparedStatement ins = c.prepareStatement("insert into " + t + " (name, price, at, ok, u, doc, tags, raw, d, n) "
            + "values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
        for (int i = 0; i < 7; i++) {  // past prepareThreshold (5): a named statement, binary results
            final int k = i;
            step("insert " + i, () -> {
                ins.setString(1, "n" + k);
                ins.setBigDecimal(2, new BigDecimal("1" + k + ".5"));
                ins.setTimestamp(3, Timestamp.valueOf("2024-02-2" + k + " 10:00:00.123456"));
                ins.setBoolean(4, k % 2 == 0);
                ins.setObject(5, UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1" + k));
                ins.setString(6, "{\"k\": " + k + "}");
                ins.setArray(7, c.createArrayOf("text", new String[]{"a" + k, "b"}));
                ins.setBytes(8, new byte[]{1, (byte) k});
                ins.setDate(9, java.sql.Date.valueOf("2024-01-0" + (k + 1)));
                ins.setLong(10, 9000000000L + k);
                ins.executeUpdate();
                ResultSet g = ins.getGeneratedKeys();
                g.next();
                return g.getInt("id");
            });
        }
        step("batch", () -> { PreparedStatement b = c.prepareStatement("insert into " + t + " (name, n) values (?, ?)");
            for (int i = 0; i < 3; i++) { b.setString(1, "b" + i); b.setNull(2, Types.BIGINT); b.addBatch(); }
            return Arrays.toString(b.executeBatch()); });
        step("identity key", () -> { PreparedStatement p = c.prepareStatement("insert into " + t + "_c (pid, note) "
            + "values (?, ?)", new String[]{"k"}); p.setInt(1, 1); p.setString(2, "x"); p.executeUpdate();
            ResultSet g = p.getGeneratedKeys(); g.next(); return g.getInt(1); });
        step("identity refused", () -> s.executeUpdate("insert into " + t + "_c (k, pid) values (5, 1)"));
        step("select all", () -> rows(s.executeQuery("select * from " + t + " order by id")));
        PreparedStatement sel = c.prepareStatement("select id, name, price, at, u, tags, d from " + t
            + " where price > ? and at < ? order by id");
        for (int i = 0; i < 7; i++) {
            step("select " + i, () -> { sel.setBigDecimal(1, new BigDecimal("12")); sel.setTimestamp(2,
                Timestamp.valueOf("2024-02-25 00:00:00")); return rows(sel.executeQuery()); });
        }
        step("getters", () -> { ResultSet r = s.executeQuery("select price, at, d, ok, n, doc, u from " + t
            + " where id = 2"); r.next(); return r.getBigDecimal(1) + " " + r.getTimestamp(2) + " " + r.getDate(3)
            + " " + r.getBoolean(4) + " " + r.getLong(5) + " " + r.getString(6) + " " + r.getObject(7); });
        step("null parameters", () -> { PreparedStatement q = c.prepareStatement("select count(*) from " + t
            + " where price = ? or ? is null"); q.setNull(1, Types.NUMERIC); q.setNull(2, Types.VARCHAR);
            return rows(q.executeQuery()); });
        c.setAutoCommit(false);
        step("fetch size", () -> { Statement f = c.createStatement(); f.setFetchSize(2);
            ResultSet r = f.executeQuery("select id from " + t + " order by id"); int n = 0;
            while (r.next()) n++; r.close(); return n; });
        step("savepoint", () -> { s.executeUpdate("update " + t + " set price = 99 where id = 1");
            Savepoint sp = c.setSavepoint("x"); s.executeUpdate("delete from " + t + " where id = 2");
            c.rollback(sp); c.commit();
            return rows(s.executeQuery("select id, price from " + t + " where id in (1, 2) order by id")); });
        step("unique violation", () -> s.executeUpdate("insert into " + t + " (name) values ('n1')"));
        step("after the error", () -> { try { s.executeQuery("select 1"); return "ok"; } finally { c.rollback(); } });
        step("syntax error", () -> s.executeQuery("selec 1"));
        c.rollback();
        c.setAutoCommit(true);
        step("cascade", () -> s.executeUpdate("delete from " + t + " where id = 1") + " "
            + rows(s.executeQuery("select count(*) from " + t + "_c")));
        s.execute("drop table " + t + "_c, " + t);
        System.out.println("dropped");
        c.close();
    }
}
