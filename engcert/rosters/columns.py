"""The roster's columns (附件3), in the order of the file, with the headers read on import."""

from __future__ import annotations

from engcert.spreadsheets.reading import Column

TITLE_TEMPLATE = "《{unit}工程会员申请人员名单》"

# Column(key, Chinese header, English header, accepted aliases, required on import)
ROSTER_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "No.", ("Number", "No", "编号"), False),
    Column("full_name", "姓名", "Name", ("Full name",)),
    Column("gender", "性别", "Gender", ("Sex",), False),
    Column("birth_month", "出生年月", "Date of birth", ("Born", "出生日期", "Birth"), False),
    Column("document_type", "证件类型", "Document type", ("ID type", "Identity document type")),
    Column(
        "document_number",
        "证件号码",
        "Document number",
        ("ID number", "Identity document number", "身份证号"),
    ),
    Column("employer", "工作单位", "Employer", ("Work unit", "Unit", "单位"), False),
    Column("department_position", "部门及职务", "Department and position", ("部门职务", "Position"), False),
    Column("title", "专业技术职称", "Professional title", ("职称", "Title"), False),
    Column("degree", "最高学历", "Highest degree", ("学历", "Degree"), False),
    Column("institution", "毕业院校", "Institution", ("Graduated from", "院校"), False),
    Column("major", "所学专业", "Major", ("专业",), False),
    Column("grade", "申请级别", "Grade applied for", ("Grade", "级别")),
    Column("discipline", "申请专业领域", "Professional field", ("专业领域", "Field", "Discipline")),
    Column("simplified", "是否申请简化考核", "Simplified assessment", ("简化考核", "Simplified"), False),
    Column("phone", "手机", "Mobile", ("Mobile phone", "Phone", "手机号码"), False),
    Column("email", "电子邮箱", "Email", ("E-mail", "Email address", "邮箱"), False),
    Column("remarks", "备注", "Remarks", ("Notes", "Note"), False),
)
ROSTER_COLUMN_BY_KEY = {column.key: column for column in ROSTER_COLUMNS}
YES = "是"
NO = "否"
