"""The HTML report's words, in Vietnamese (the default) and English.

CSV headers are the column keys, the same in both languages, so scripts and the tests can
read them; only the HTML is translated. A missing translation shows the key.
"""

TEXT = {
    "vi": {
        "report": "Báo cáo khả dụng mạng",
        "period": "Kỳ báo cáo", "generated": "Lập lúc", "step": "Bước lấy mẫu",
        "source": "Nguồn số liệu",
        "method": "Khả dụng = thời gian hoạt động / (thời gian có số liệu − thời gian bảo trì). "
                  "Thời gian bảo trì được loại khỏi mẫu số; cột “loại trừ (bảo trì)” cho biết bao nhiêu. "
                  "Mất kết nối tại chỗ: trạm tự hỏng; phía trên: không tới được do trạm khác hỏng.",
        "summary": "Tổng hợp toàn tỉnh", "regions": "Theo vùng mạng (huyện cũ, trạm WAN)",
        "admin_units": "Theo đơn vị hành chính", "terrain": "Miền núi và đồng bằng",
        "communes": "Xã không có kết nối", "planned": "Trạm quy hoạch",
        "blast": "10 trạm gây mất kết nối nhiều nhất (xã·giờ)", "sites": "Từng trạm",
        "period_start": "Từ", "period_end": "Đến", "step_seconds": "Bước (giây)",
        "live_sites": "Trạm hoạt động", "sites_count": "Số trạm", "sites_col": "Số trạm",
        "availability": "Khả dụng", "wan_availability": "Khả dụng WAN", "wan_sites": "Trạm WAN",
        "local_min": "Mất tại chỗ (phút)", "upstream_min": "Mất phía trên (phút)",
        "maintenance_min": "Mất khi bảo trì (phút)", "excluded_min": "Loại trừ – bảo trì (phút)",
        "incidents": "Sự cố", "mttr_min": "Thời gian khôi phục TB (phút)",
        "communes_without_link": "Xã không có kết nối (kể cả xã chưa có trạm)", "commune_hours_lost": "Xã·giờ mất kết nối",
        "district": "Vùng (huyện)", "commune": "Xã", "admin_version": "Phiên bản",
        "admin_parent": "Cấp trên", "admin_unit": "Đơn vị", "admin_unit_kind": "Loại",
        "highland": "Miền núi", "lowland": "Đồng bằng", "province": "Toàn tỉnh",
        "live_sites_c": "Trạm hoạt động", "planned_sites": "Trạm quy hoạch",
        "without_link_min": "Không kết nối (phút)", "outages": "Số lần", "longest_min": "Dài nhất (phút)",
        "planned_only": "Chỉ có trạm quy hoạch", "site": "Trạm", "role": "Vai trò",
        "terrain_col": "Địa hình", "power": "Nguồn điện", "connects": "Kết nối",
        "commune_without_link_min": "Xã mất kết nối kỳ này (phút)",
        "new_commune": "xã mới", "second_site": "thêm đường cho xã",
        "rank": "Hạng", "commune_hours": "Xã·giờ", "max_communes_cut": "Số xã mất cùng lúc (tối đa)",
        "observed_min": "Có số liệu (phút)", "yes": "có", "no": "không", "none": "Không có",
        "current": "hiện hành", "sites_suffix": "trạm", "incidents_suffix": "sự cố",
    },
    "en": {
        "report": "Network availability report",
        "period": "Period", "generated": "Generated", "step": "Sampling step", "source": "Data source",
        "method": "Availability = time up / (time with data − maintenance time). Maintenance is left "
                  "out of the denominator; the “excluded (maintenance)” column says how much. "
                  "Local: the site itself failed; upstream: unreachable behind another site's failure.",
        "summary": "Province summary", "regions": "By network region (former district, WAN hub)",
        "admin_units": "By administrative unit", "terrain": "Mountain and lowland",
        "communes": "Communes without a live link", "planned": "Planned sites",
        "blast": "Ten sites whose failures cost the most commune-hours", "sites": "Every site",
        "period_start": "From", "period_end": "To", "step_seconds": "Step (s)",
        "live_sites": "Live sites", "sites_col": "Sites",
        "availability": "Availability", "wan_availability": "WAN availability", "wan_sites": "WAN sites",
        "local_min": "Local down (min)", "upstream_min": "Upstream (min)",
        "maintenance_min": "Down in maintenance (min)", "excluded_min": "Excluded – maintenance (min)",
        "incidents": "Incidents", "mttr_min": "Mean time to restore (min)",
        "communes_without_link": "Communes without a live link (planned-only included)", "commune_hours_lost": "Commune-hours lost",
        "district": "Region (district)", "commune": "Commune", "admin_version": "Version",
        "admin_parent": "Parent", "admin_unit": "Unit", "admin_unit_kind": "Kind",
        "highland": "Mountain", "lowland": "Lowland", "province": "Province",
        "planned_sites": "Planned sites",
        "without_link_min": "Without link (min)", "outages": "Outages", "longest_min": "Longest (min)",
        "planned_only": "Planned sites only", "site": "Site", "role": "Role",
        "terrain_col": "Terrain", "power": "Power", "connects": "Connects",
        "commune_without_link_min": "Commune cut this period (min)",
        "new_commune": "a new commune", "second_site": "a second path",
        "rank": "Rank", "commune_hours": "Commune-hours", "max_communes_cut": "Most communes cut at once",
        "observed_min": "With data (min)", "yes": "yes", "no": "no", "none": "None",
        "current": "current", "sites_suffix": "sites", "incidents_suffix": "incidents",
    },
}


def header(lang, key):
    """A column's heading: terrain-class columns are built from their parts."""
    t = TEXT[lang]
    for cls in ("highland", "lowland"):
        if key.startswith(cls + "_"):
            rest = key[len(cls) + 1:]
            inner = {"sites": "sites_col", "terrain": "terrain_col"}.get(rest, rest)
            return f"{t[cls]}: {t.get(inner, rest)}"
    key = {"sites": "sites_col", "terrain": "terrain_col"}.get(key, key)
    return t.get(key, key)


def word(lang, key):
    return TEXT[lang].get(key, key)
