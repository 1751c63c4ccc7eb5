//! Real-format addresses: postal codes with their 都道府県 + 市区町村 + 町域, plus generated
//! 丁目・番・号 and sometimes a building and room (exercising the customer barcode's
//! 住所表示番号 extraction).

/// (postal code, prefecture + city + town)
pub const TOWNS: &[(&str, &str)] = &[
    ("1000013", "東京都千代田区霞が関"),
    ("1600023", "東京都新宿区西新宿"),
    ("1500002", "東京都渋谷区渋谷"),
    ("1350064", "東京都江東区青海"),
    ("2310023", "神奈川県横浜市中区山下町"),
    ("2120013", "神奈川県川崎市幸区堀川町"),
    ("3300063", "埼玉県さいたま市浦和区高砂"),
    ("2600013", "千葉県千葉市中央区中央"),
    ("5300001", "大阪府大阪市北区梅田"),
    ("5420081", "大阪府大阪市中央区南船場"),
    ("4600008", "愛知県名古屋市中区栄"),
    ("6008216", "京都府京都市下京区東塩小路町"),
    ("6500021", "兵庫県神戸市中央区三宮町"),
    ("8100001", "福岡県福岡市中央区天神"),
    ("0600001", "北海道札幌市中央区北一条西"),
    ("9800811", "宮城県仙台市青葉区一番町"),
    ("7300011", "広島県広島市中区基町"),
    ("9000015", "沖縄県那覇市久茂地"),
    ("3800836", "長野県長野市南県町"),
    ("9200961", "石川県金沢市香林坊"),
];

const BUILDINGS: &[&str] = &[
    "コーポ青葉",
    "メゾン桜",
    "グランドハイツ",
    "サンシャイン",
    "パークサイド",
];

/// An address for random numbers `a`, `b`, `c`, `d`.
pub fn address(a: u32, b: u32, c: u32, d: u32) -> (String, String) {
    let (postal, town) = TOWNS[(a as usize) % TOWNS.len()];
    let mut addr = format!("{town}{}丁目{}番{}号", b % 5 + 1, c % 20 + 1, d % 30 + 1);
    if d.is_multiple_of(3) {
        addr.push_str(&format!(
            " {}{}号室",
            BUILDINGS[(b as usize) % BUILDINGS.len()],
            (c % 5 + 1) * 100 + d % 8 + 1
        ));
    }
    (postal.to_string(), addr)
}
