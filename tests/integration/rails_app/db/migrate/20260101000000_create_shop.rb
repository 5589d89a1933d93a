# The shop's tables: what Rails migrations send (bigserial keys, a named foreign key,
# decimals with and without a precision, intervals, jsonb, uuid, a text array with a default, unique and plain indexes).
class CreateShop < ActiveRecord::Migration[6.1]
  def change
    prefix = ENV.fetch("TABLE_PREFIX")
    create_table "#{prefix}_authors" do |t|
      t.string :name, null: false
      t.timestamps
    end
    create_table "#{prefix}_books" do |t|
      t.references :author, null: false, foreign_key: { to_table: "#{prefix}_authors" }
      t.string :title, null: false, limit: 200
      t.decimal :price, precision: 10, scale: 2
      t.decimal :weight_kg
      t.integer :pages, default: 0
      t.boolean :in_print, default: true
      t.interval :reading_time
      t.jsonb :meta
      t.date :published_on
      t.uuid :isbn_key
      t.text :tags, array: true, default: []
      t.timestamps
    end
    add_index "#{prefix}_books", :title, unique: true
  end
end
