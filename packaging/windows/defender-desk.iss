; Inno Setup 6 script for Defender Desk on Windows 10 (2004) / 11, x64.
;
; Build on Windows, from the repository root, after PyInstaller has made dist\defender-desk\
; (packaging\README.md, "Windows"):
;
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" packaging\windows\defender-desk.iss
;
; Output: dist\defender-desk-<version>-windows-x64-setup.exe. To sign the installer and its
; uninstaller, define a sign tool named "signtool" in the Inno Setup IDE (Tools > Configure Sign
; Tools) or pass /Ssigntool="..." to ISCC, and build with /DSign (see packaging\README.md).
;
; Installs per user (no administrator rights, no UAC prompt) into
; %LOCALAPPDATA%\Programs\Defender Desk. The vault (%LOCALAPPDATA%\DefenderDesk) is hers and is
; never touched by installing, updating or uninstalling: the panic wipe erases it.

#define AppName "Defender Desk"
#define AppId "io.github.defenderdesk.defender_desk"
; Keep equal to pyproject.toml's version (tests/packaging/test_metadata.py checks it).
#define AppVersion "0.1.0"
#define SourceDir "..\..\dist\defender-desk"

[Setup]
; A stable id, not a GUID: upgrades find the earlier installation by it. Never change it.
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Defender Desk contributors
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
; Per-user by default; an administrator may still choose "for all users" in the dialog.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 version 2004: the first with WDA_EXCLUDEFROMCAPTURE (screen-capture exclusion).
MinVersion=10.0.19041
OutputDir=..\..\dist
OutputBaseFilename=defender-desk-{#AppVersion}-windows-x64-setup
SetupIconFile=defender-desk.ico
UninstallDisplayIcon={app}\defender-desk.exe
UninstallDisplayName={#AppName}
LicenseFile=..\..\LICENSE
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; Close a running Defender Desk before replacing its files (it locks the vault first on quit).
CloseApplications=yes
RestartApplications=no
; No "recent documents", no file associations, no services, no firewall rules, no autostart.
ChangesAssociations=no
ChangesEnvironment=no
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
; Inno Setup ships no Kazakh translation: Kazakh-speaking users get the Russian or English
; installer (the app itself is in Kazakh).

[CustomMessages]
en.DiscreetTask=Name the shortcuts "Notes" with a neutral icon (discreet mode)
ru.DiscreetTask=Назвать ярлыки «Заметки» и дать им нейтральный значок (незаметный режим)
en.DiscreetName=Notes
ru.DiscreetName=Заметки

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "discreet"; Description: "{cm:DiscreetTask}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "defender-desk-discreet.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\defender-desk.exe"; Tasks: not discreet
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\defender-desk.exe"; Tasks: desktopicon and not discreet
Name: "{autoprograms}\{cm:DiscreetName}"; Filename: "{app}\defender-desk.exe"; IconFilename: "{app}\defender-desk-discreet.ico"; Tasks: discreet
Name: "{autodesktop}\{cm:DiscreetName}"; Filename: "{app}\defender-desk.exe"; IconFilename: "{app}\defender-desk-discreet.ico"; Tasks: desktopicon and discreet

[Registry]
; Keep Windows Error Reporting away from both programs: their memory holds records while the
; vault is open. (The app itself also turns WER's dialog and heap dumps off for its process,
; see src/defender_desk/hardening.py.) HKA = the user's hive for a per-user install, HKLM for
; an all-users one. Untested here (no Windows); an administrator's LocalDumps policy still
; applies and is out of reach of both.
Root: HKA; Subkey: "Software\Microsoft\Windows\Windows Error Reporting\ExcludedApplications"; ValueType: dword; ValueName: "defender-desk.exe"; ValueData: 1; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Microsoft\Windows\Windows Error Reporting\ExcludedApplications"; ValueType: dword; ValueName: "defender-desk-cli.exe"; ValueData: 1; Flags: uninsdeletevalue

[Run]
Filename: "{app}\defender-desk.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
