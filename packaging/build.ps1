<#
.SYNOPSIS
  Build the standalone Windows app: dist\rectify\ (rectify.exe, the window; rectify-cli.exe,
  the subcommands), a .zip of it, and dist\SHA256SUMS. See docs\building.md.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File packaging\build.ps1
  powershell -ExecutionPolicy Bypass -File packaging\build.ps1 -Wheels E:\wheels   # offline
  powershell -ExecutionPolicy Bypass -File packaging\build.ps1 -OneFile
#>
param(
    [string]$Python = "3.11",          # the version the py launcher starts (py -3.11)
    [string]$Venv = ".venv",
    [string]$Wheels = $env:RECTIFY_WHEELS,  # a folder of wheels: install from it only, offline
    [switch]$OneFile,                  # dist\rectify.exe, one file (window program only)
    [switch]$SkipSelfTest
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version 2.0
Set-Location (Split-Path -Parent $PSScriptRoot)   # the repository root
$Root = (Get-Location).Path
$started = Get-Date

function Invoke-Checked {
    # PowerShell does not stop on a failing program by itself: check its exit code
    param([string]$What, [scriptblock]$Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$venvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $venvPython)) {
    if (Get-Command py -ErrorAction SilentlyContinue) {
        Invoke-Checked "creating the virtual environment" { py "-$Python" -m venv $Venv }
    } else {
        Invoke-Checked "creating the virtual environment" { python -m venv $Venv }
    }
}

$pipArgs = @("-m", "pip", "install", "-q", "--disable-pip-version-check")
if ($Wheels) {
    $pipArgs += @("--no-index", "--find-links", $Wheels)
} else {
    Invoke-Checked "upgrading pip" { & $venvPython -m pip install -q --disable-pip-version-check --upgrade pip }
}
Invoke-Checked "installing the app and PyInstaller" { & $venvPython @pipArgs -e ".[package]" }

$version = (& $venvPython -c "import desktop; print(desktop.__version__)").Trim()
foreach ($old in @("dist\rectify", "dist\rectify.exe", "dist\SHA256SUMS")) {
    if (Test-Path $old) { Remove-Item -Recurse -Force $old }
}
Get-ChildItem dist -Filter "rectify-*.zip" -ErrorAction SilentlyContinue | Remove-Item -Force

if ($OneFile) { $env:RECTIFY_ONEFILE = "1" } else { Remove-Item Env:RECTIFY_ONEFILE -ErrorAction SilentlyContinue }
Invoke-Checked "PyInstaller" {
    & $venvPython -m PyInstaller --noconfirm --log-level WARN `
        --distpath dist --workpath build\pyinstaller packaging\rectify.spec
}
$built = Get-Date

# SHA256SUMS in the format of GNU sha256sum ("<hash>  <path>", forward slashes), so that
# either PowerShell or sha256sum on a Linux PC can check a copy.
function Get-Sum([string]$Path) {
    $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path "dist" $Path)).Hash.ToLower()
    return "$hash  $($Path -replace '\\', '/')"
}
$lines = @()
Push-Location dist
try {
    if (Test-Path "rectify" -PathType Container) {
        $archive = "rectify-$version-windows-x64.zip"
        Compress-Archive -Path "rectify" -DestinationPath $archive -CompressionLevel Optimal
        $files = Get-ChildItem "rectify" -Recurse -File | ForEach-Object {
            $_.FullName.Substring((Get-Location).Path.Length + 1)
        } | Sort-Object
        $size = (Get-ChildItem "rectify" -Recurse -File | Measure-Object Length -Sum).Sum
        $shown = @($archive, "rectify\rectify.exe", "rectify\rectify-cli.exe")
        $target = "rectify"
    } else {
        $files = @()
        $size = (Get-Item "rectify.exe").Length
        $archive = "rectify.exe"
        $shown = @("rectify.exe")
        $target = "rectify.exe"
    }
} finally {
    Pop-Location
}
$lines += Get-Sum $archive
foreach ($file in $files) { $lines += Get-Sum $file }
$utf8 = New-Object System.Text.UTF8Encoding $false
[System.IO.File]::WriteAllLines((Join-Path $Root "dist\SHA256SUMS"), [string[]]$lines, $utf8)

$megabytes = [math]::Round($size / 1MB)
Write-Host "folder/file: $Root\dist\$target  $megabytes MB"
Write-Host ("version {0}, {1:N0} s" -f $version, ($built - $started).TotalSeconds)
Write-Host "SHA-256 (dist\SHA256SUMS):"
foreach ($name in $shown) {
    $wanted = $name -replace '\\', '/'
    $lines | Where-Object { $_.EndsWith("  $wanted") } | ForEach-Object { Write-Host "  $_" }
}
if ($megabytes -gt 200) { throw "the build is over 200 MB: check the Qt filters in packaging\rectify.spec" }

if (-not $SkipSelfTest -and -not $OneFile) {
    # the console program, so that its output shows here; offscreen, like an office PC's
    # first check after copying
    $env:QT_QPA_PLATFORM = "offscreen"
    [Console]::OutputEncoding = [System.Text.Encoding]::UTF8   # the program prints UTF-8
    try {
        $output = & "dist\rectify\rectify-cli.exe" selftest
        $code = $LASTEXITCODE
    } finally {
        Remove-Item Env:QT_QPA_PLATFORM -ErrorAction SilentlyContinue
    }
    $output | ForEach-Object { Write-Host $_ }
    if ($code -ne 0 -or -not ($output -contains "selftest ok")) { throw "the self-test failed" }
}
