# A small Rails application against DATABASE_URL: ActiveRecord 6.1's connection set-up
# (SET intervalstyle = iso_8601, its pg_type / pg_range type map), a migration up and
# down, models with an association, queries, updates, constraint violations, a rolled
# back transaction and schema reflection. It prints what it sees, one line each, so that
# two servers' outputs can be compared.
require "active_record"
require "stringio"
ActiveSupport::Deprecation.silenced = true

prefix = ENV.fetch("TABLE_PREFIX")
ActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))
ActiveRecord::Base.schema_migrations_table_name = "#{prefix}_schema_migrations"
ActiveRecord::Base.internal_metadata_table_name = "#{prefix}_internal_metadata"
ActiveRecord::Migration.verbose = false
ctx = ActiveRecord::MigrationContext.new(File.join(__dir__, "db", "migrate"), ActiveRecord::SchemaMigration)
ctx.migrate
puts "migrated #{ctx.current_version}"

class Author < ActiveRecord::Base
  self.table_name = "#{ENV.fetch('TABLE_PREFIX')}_authors"
  has_many :books
end

class Book < ActiveRecord::Base
  self.table_name = "#{ENV.fetch('TABLE_PREFIX')}_books"
  belongs_to :author
  attribute :reading_time, :interval
  validates :title, presence: true
end

ann = Author.create!(name: "Ann")
bob = Author.create!(name: "Bob")
Book.create!(author: ann, title: "One", price: "12.50", weight_kg: "0.350", pages: 100, reading_time: 2.hours,
             meta: { "lang" => "en", "n" => [1, 2] }, published_on: Date.new(2020, 1, 31),
             isbn_key: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", tags: %w[a b])
Book.create!(author: ann, title: "Two", price: 7, pages: 250, in_print: false, reading_time: 1.day + 30.minutes)
Book.create!(author: bob, title: "Three", price: "0.99", weight_kg: BigDecimal("1.25"), tags: [])
b = Book.find_by!(title: "One")
puts [b.price.to_s, b.pages, b.in_print, b.reading_time.iso8601, b.meta.inspect, b.published_on.to_s,
      b.isbn_key, b.tags.inspect].join(" | ")
puts Book.where(in_print: true).order(:title).pluck(:title).inspect
puts Book.where("price > ?", 1).order(price: :desc).pluck(:title, :price).map { |t, p| "#{t}=#{p}" }.inspect
puts Book.where("weight_kg < ?", 1).pluck(:title).inspect, Book.sum(:weight_kg).to_s,
     Book.connection.select_value("SELECT max(weight_kg)::text FROM #{Book.table_name}")
puts Book.joins(:author).group("#{Author.table_name}.name").order("#{Author.table_name}.name").count.inspect
puts Book.sum(:price).to_s, Book.average(:pages).round(2).to_s, Book.maximum(:reading_time).inspect
puts Author.includes(:books).order(:name).map { |a| "#{a.name}:#{a.books.map(&:title).sort.join(',')}" }.inspect
puts Book.where("meta ->> 'lang' = ?", "en").count
puts Book.where("'a' = ANY (tags)").pluck(:title).inspect
puts Book.where(reading_time: 2.hours).pluck(:title).inspect
b.update!(pages: 120, tags: b.tags + ["c"])
puts Book.find(b.id).slice(:pages, :tags).inspect
Book.where(author: bob).update_all(in_print: false)
puts Book.where(in_print: false).count
begin
  Book.create!(author: bob, title: "One")
rescue ActiveRecord::RecordNotUnique => e
  puts "unique violation: #{e.cause.result.error_field(PG::Result::PG_DIAG_CONSTRAINT_NAME)}"
end
begin
  Book.create!(author_id: 999_999, title: "Orphan")
rescue ActiveRecord::InvalidForeignKey => e
  r = e.cause.result
  puts "foreign key violation: #{r.error_field(PG::Result::PG_DIAG_SQLSTATE)} " \
       "#{r.error_field(PG::Result::PG_DIAG_CONSTRAINT_NAME)}"
end
Book.transaction do
  Book.create!(author: bob, title: "Rolled back")
  raise ActiveRecord::Rollback
end
puts Book.exists?(title: "Rolled back")
puts Book.find_each(batch_size: 2).map(&:title).sort.inspect
conn = ActiveRecord::Base.connection
puts conn.tables.grep(/\A#{prefix}_/).sort.inspect
puts conn.indexes(Book.table_name).map { |i| [i.name.sub(prefix, "P"), i.unique, i.columns] }.sort.inspect
puts conn.foreign_keys(Book.table_name).map { |f| [f.to_table.sub(prefix, "P"), f.column, f.primary_key, f.name,
                                                   f.on_delete.inspect] }.inspect
puts conn.primary_key(Book.table_name)
puts Book.columns.map { |c| "#{c.name}:#{c.sql_type}:#{c.null}:#{c.default.inspect}" }.join(",")
# db/schema.rb as `rails db:migrate` writes it (less enable_extension lines: Sixfold's
# pgcrypto and uuid-ossp are always installed)
ActiveRecord::SchemaDumper.ignore_tables = [/\A(?!#{prefix}_(authors|books)\z)/]
dump = StringIO.new
ActiveRecord::SchemaDumper.dump(conn, dump)
puts dump.string.lines.grep_v(/enable_extension|\A#/).join.gsub(prefix, "P")
puts Book.where(published_on: Date.new(2020, 1, 1)..Date.new(2020, 12, 31)).count
Book.delete_all
Author.delete_all
ctx.rollback
puts "rolled back to #{ctx.current_version}"
puts conn.tables.grep(/\A#{prefix}_(authors|books)\z/).inspect
