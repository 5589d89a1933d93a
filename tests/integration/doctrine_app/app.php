<?php
// Doctrine DBAL 3 (Debian's php-doctrine-dbal) over PDO pgsql against the server the PG*
// variables name: tables made from Doctrine's schema API, inserts with lastInsertId()
// (lastval), queries, a rolled-back transaction, unique and foreign key violations, the
// schema manager's introspection (columns, indexes, foreign keys) and its comparator
// (nothing to change against the schema as declared). It prints what it sees, one line
// each, so that two servers' outputs can be compared.
require "/usr/share/php/Doctrine/DBAL/autoload.php";
use Doctrine\DBAL\DriverManager;
use Doctrine\DBAL\Schema\Schema;
use Doctrine\DBAL\Schema\Comparator;
use Doctrine\DBAL\ParameterType;

$p = getenv("TABLE_PREFIX");
$conn = DriverManager::getConnection([
    "driver" => "pdo_pgsql", "host" => getenv("PGHOST"), "port" => (int) getenv("PGPORT"),
    "user" => getenv("PGUSER"), "password" => getenv("PGPASSWORD"), "dbname" => getenv("PGDATABASE"),
]);
$sm = $conn->createSchemaManager();
foreach (["{$p}_orders", "{$p}_customers"] as $t) {
    if ($sm->tablesExist([$t])) { $sm->dropTable($t); }
}
$schema = new Schema();
$c = $schema->createTable("{$p}_customers");
$c->addColumn("id", "integer", ["autoincrement" => true]);
$c->addColumn("email", "string", ["length" => 120]);
$c->addColumn("active", "boolean", ["default" => true]);
$c->addColumn("created", "datetime_immutable", []);
$c->setPrimaryKey(["id"]);
$c->addUniqueIndex(["email"], "{$p}_customers_email");
$o = $schema->createTable("{$p}_orders");
$o->addColumn("id", "bigint", ["autoincrement" => true]);
$o->addColumn("customer_id", "integer", []);
$o->addColumn("total", "decimal", ["precision" => 10, "scale" => 2]);
$o->addColumn("note", "text", ["notnull" => false]);
$o->addColumn("meta", "json", ["notnull" => false]);
$o->setPrimaryKey(["id"]);
$o->addIndex(["customer_id", "total"], "{$p}_orders_cust_total");
$o->addForeignKeyConstraint("{$p}_customers", ["customer_id"], ["id"], ["onDelete" => "CASCADE"], "{$p}_orders_cust_fk");
foreach ($schema->toSql($conn->getDatabasePlatform()) as $sql) { $conn->executeStatement($sql); }
echo "created\n";

$conn->insert("{$p}_customers", ["email" => "a@x", "active" => true, "created" => "2024-01-02 03:04:05"],
              ["active" => ParameterType::BOOLEAN]);
$cid = (int) $conn->lastInsertId();
echo "last insert id $cid\n";
$conn->insert("{$p}_customers", ["email" => "b@x", "active" => false, "created" => "2024-02-03 00:00:00"],
              ["active" => ParameterType::BOOLEAN]);
$conn->insert("{$p}_orders", ["customer_id" => $cid, "total" => "12.50", "meta" => '{"k": [1, 2]}']);
$conn->insert("{$p}_orders", ["customer_id" => $cid, "total" => "7.25"]);
echo json_encode($conn->fetchAllAssociative("SELECT email, active, created FROM {$p}_customers ORDER BY email")), "\n";
echo json_encode($conn->fetchAllNumeric("SELECT c.email, count(o.id), sum(o.total) FROM {$p}_customers c LEFT JOIN {$p}_orders o ON o.customer_id = c.id GROUP BY c.email ORDER BY 1")), "\n";
echo json_encode($conn->fetchOne("SELECT meta FROM {$p}_orders WHERE meta IS NOT NULL")), "\n";
$conn->beginTransaction();
$conn->executeStatement("UPDATE {$p}_orders SET total = total * 2");
$conn->rollBack();
echo $conn->fetchOne("SELECT sum(total) FROM {$p}_orders"), "\n";
try {
    $conn->insert("{$p}_customers", ["email" => "a@x", "created" => "2024-01-01"]);
} catch (\Doctrine\DBAL\Exception\UniqueConstraintViolationException $e) { echo "unique violation\n"; }
try {
    $conn->insert("{$p}_orders", ["customer_id" => 99999, "total" => 1]);
} catch (\Doctrine\DBAL\Exception\ForeignKeyConstraintViolationException $e) { echo "foreign key violation\n"; }

// introspection
foreach (["{$p}_customers", "{$p}_orders"] as $t) {
    $cols = [];
    foreach ($sm->listTableColumns($t) as $col) {
        $cols[] = $col->getName() . ":" . $col->getType()->getName() . ":" . ($col->getNotnull() ? "nn" : "null")
            . ":" . var_export($col->getDefault(), true) . ":" . ($col->getAutoincrement() ? "ai" : "")
            . ":" . $col->getLength() . ":" . $col->getPrecision() . ":" . $col->getScale();
    }
    echo "$t columns ", implode(",", $cols), "\n";
    $idx = [];
    foreach ($sm->listTableIndexes($t) as $i) {
        $idx[] = $i->getName() . ":" . implode("+", $i->getColumns()) . ":" . ($i->isUnique() ? "u" : "") . ($i->isPrimary() ? "p" : "");
    }
    sort($idx);
    echo "$t indexes ", implode(",", $idx), "\n";
    $fks = [];
    foreach ($sm->listTableForeignKeys($t) as $f) {
        $fks[] = $f->getName() . ":" . implode("+", $f->getLocalColumns()) . "->" . $f->getForeignTableName() . "("
            . implode("+", $f->getForeignColumns()) . "):" . ($f->onDelete() ?? "");
    }
    echo "$t foreign keys ", implode(",", $fks), "\n";
}
$tables = array_values(array_filter($sm->listTableNames(), fn($n) => str_starts_with($n, "{$p}_")));
sort($tables);
echo "tables ", implode(",", $tables), "\n";
// what the database has against what the code declares: nothing to change
$changes = [];
foreach (["{$p}_customers", "{$p}_orders"] as $t) {
    $diff = $sm->createComparator()->compareTables($sm->introspectTable($t), $schema->getTable($t));
    if ($diff !== false && !$diff->isEmpty()) {
        $changes = array_merge($changes, $conn->getDatabasePlatform()->getAlterTableSQL($diff));
    }
}
echo "changes ", json_encode($changes), "\n";
$sm->dropTable("{$p}_orders");
$sm->dropTable("{$p}_customers");
echo "dropped\n";
